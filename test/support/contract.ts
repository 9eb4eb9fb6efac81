/**
 * Contract checking: every response the integration tests receive through supertest is matched to
 * its operation in assets/swaggerV1.yaml and validated by openapi-backend (body and headers). A
 * violation fails the test that caused it; a full run also fails if a documented status code was
 * never exercised.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, SetMatchType, ValidationContext } from 'openapi-backend';
import { parse } from 'yaml';
import { parseEventStream } from './sse';

export const SPEC_PATH = path.resolve(__dirname, '../../assets/swaggerV1.yaml');

export interface Recorded {
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
  const eventData = eventDataValidator(operation.operationId, String(response.status));
  if (eventData && /^text\/event-stream\b/i.test(response.headers['content-type'] ?? '')) {
    violations.push(...eventStreamViolations(where, response.body, eventData));
  } else {
    const body = api.validateResponse(response.body, operation, response.status);
    if (body.errors?.length)
      violations.push(`${where}: body ${JSON.stringify(body.errors)} in ${JSON.stringify(response.body)}`);
  }
  // Documented headers that are there must match their schema; those marked `required` must be there
  // (openapi-backend's own Superset check would demand every documented header, optional ones too).
  // Others (Content-Type, ETag...) may be there as well.
  const headers = api.validateResponseHeaders(response.headers, operation, {
    statusCode: response.status,
    setMatchType: SetMatchType.Any,
  });
  if (headers.errors?.length) violations.push(`${where}: headers ${JSON.stringify(headers.errors)}`);
  const documented = (operation.responses[String(response.status)] as { headers?: object }).headers ?? {};
  for (const [name, header] of Object.entries(documented)) {
    const { required } = header as { required?: boolean };
    if (required && response.headers[name.toLowerCase()] === undefined) {
      violations.push(`${where}: required header ${name} is missing`);
    }
  }
}

type ValidateFunction = ReturnType<ReturnType<OpenAPIBackend['validator']['getAjv']>['compile']>;
const eventDataValidators = new Map<string, ValidateFunction | null>();

/**
 * A `text/event-stream` response documents what each event's `data:` holds in the extension
 * `x-event-data` of its media type (a schema): the validator of it, or null when there is none.
 */
function eventDataValidator(operationId: string | undefined, status: string): ValidateFunction | null {
  const key = `${operationId} ${status}`;
  if (!eventDataValidators.has(key)) {
    const operation = operationId ? api.router.getOperation(operationId) : undefined;
    const response = operation?.responses?.[status] as
      | { content?: Record<string, { 'x-event-data'?: object }> }
      | undefined;
    const schema = response?.content?.['text/event-stream']?.['x-event-data'];
    eventDataValidators.set(
      key,
      schema ? api.validator.getAjv(ValidationContext.Response).compile(structuredClone(schema)) : null,
    );
  }
  return eventDataValidators.get(key) ?? null;
}

/** An event stream's text: well-formed, ids counting up from 1, every event's data JSON true to its schema. */
function eventStreamViolations(where: string, body: unknown, validate: ValidateFunction): string[] {
  if (body === null) return []; // a HEAD, or a stream cut before its first byte
  if (typeof body !== 'string') return [`${where}: an event stream read as ${typeof body}`];
  const stream = parseEventStream(body);
  const found = stream.problems.map((problem) => `${where}: event stream: ${problem}`);
  stream.events.forEach((event, index) => {
    if (event.id !== String(index + 1)) found.push(`${where}: event ${index + 1} has id ${event.id}`);
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      found.push(`${where}: event ${index + 1} data is not JSON: ${event.data.slice(0, 200)}`);
      return;
    }
    if (!validate(data)) {
      found.push(`${where}: event ${index + 1} data ${JSON.stringify(validate.errors)} in ${event.data}`);
    }
  });
  return found;
}

/** Checks a response a test read without supertest (a stream), before the test's contract check. */
export function recordResponse(response: Recorded): void {
  pending.push(checkResponse(response));
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
        // superagent reads an empty answer (a 204) as {}: there was no body. An event stream is text.
        body:
          res.text === ''
            ? null
            : /^text\/event-stream\b/i.test(res.headers['content-type'] ?? '')
              ? res.text
              : res.body,
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
