/**
 * Contract checking: every response the integration tests receive through supertest is matched to
 * its operation in assets/swaggerV1.yaml and validated by openapi-backend (body and headers). A
 * violation fails the test that caused it; a full run also fails if a documented status code was
 * never exercised.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, SetMatchType } from 'openapi-backend';
import { parse } from 'yaml';

export const SPEC_PATH = path.resolve(__dirname, '../../assets/swaggerV1.yaml');

interface Recorded {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const definition = parse(readFileSync(SPEC_PATH, 'utf8'));
const api = new OpenAPIBackend({
  definition,
  strict: true,
  quick: false,
  validate: true,
  // uuid, date-time, uri… are checked too, not ignored.
  customizeAjv: (ajv) => {
    addFormats(ajv);
    return ajv;
  },
});
const ready = api.init();

const violations: string[] = [];
const exercised = new Set<string>();
const pending: Promise<void>[] = [];

export function documentedResponses(): string[] {
  const all: string[] = [];
  for (const [route, operations] of Object.entries(
    definition.paths as Record<string, Record<string, { responses: object }>>,
  )) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const status of Object.keys(operation.responses))
        all.push(`${method.toUpperCase()} ${route} ${status}`);
    }
  }
  return all;
}

export async function checkResponse(response: Recorded): Promise<void> {
  await ready;
  const url = new URL(response.url, 'http://localhost');
  const operation = api.router.matchOperation({
    method: response.method.toLowerCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: {},
  });
  if (!operation) return; // not part of the documented API (static files, local uploads, docs)
  const key = `${response.method.toUpperCase()} ${operation.path} ${response.status}`;
  const where = `${response.method} ${url.pathname} → ${response.status}`;
  if (!operation.responses?.[String(response.status)]) {
    violations.push(`${where}: status not documented for ${operation.operationId}`);
    return;
  }
  exercised.add(key);
  const body = api.validateResponse(response.body, operation, response.status);
  if (body.errors?.length)
    violations.push(`${where}: body ${JSON.stringify(body.errors)} in ${JSON.stringify(response.body)}`);
  // Superset: every documented header must be there; others (Content-Type, ETag...) may be too.
  const headers = api.validateResponseHeaders(response.headers, operation, {
    statusCode: response.status,
    setMatchType: SetMatchType.Superset,
  });
  if (headers.errors?.length) violations.push(`${where}: headers ${JSON.stringify(headers.errors)}`);
}

interface SuperagentResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text?: string;
  req: { method: string; path: string };
}

/** Checks every response of this supertest request once it arrives. */
export function recordResponses<
  T extends { on(event: 'response', listener: (res: SuperagentResponse) => void): unknown },
>(test: T): T {
  test.on('response', (res) => {
    pending.push(
      checkResponse({
        method: res.req.method,
        url: res.req.path,
        status: res.status,
        headers: res.headers,
        // superagent reads an empty answer (a 204) as {}: there was no body.
        body: res.text === '' ? null : res.body,
      }),
    );
  });
  return test;
}

/** Violations recorded since the last call, once every pending check has run. */
export async function takeViolations(): Promise<string[]> {
  await Promise.all(pending.splice(0));
  return violations.splice(0);
}

export function unexercisedResponses(): string[] {
  return documentedResponses().filter((key) => !exercised.has(key));
}
