/**
 * The property every request must satisfy: a 4xx with a JSON `{ message }` that created nothing, or
 * a documented 2xx; never a 5xx, a hang or a crash; every answer true to assets/swaggerV1.yaml; and
 * for an import that was accepted, every row ends with exactly one outcome, broken rows as failures
 * with a message. `runOne` sends one request and returns what it broke.
 */
import { checkBatch, checkDryRunThenImport } from './batches';
import {
  contractViolations,
  isConditional,
  isJsonType,
  type Outcome,
  parseJson,
  type RunConfig,
} from './checks';
import { send, type Wire } from './client';
import { excerpt } from './json';
import { type FuzzRequest, ROUTES } from './request';
import { countRows, describeWire, toWire, type World } from './world';

/** The route template a request hit, for grouping: its route's path when it went there. */
function template(request: FuzzRequest): string {
  return request.route === 'stray' ? request.path : ROUTES[request.route].path;
}

function isPlainAdministrator(request: FuzzRequest, wire: Wire): boolean {
  return (
    request.caller.kind === 'role' &&
    request.caller.role === 'Administrator' &&
    request.caller.mangle === 'none' &&
    request.route !== 'stray' &&
    wire.method === ROUTES[request.route].method &&
    (request.contentType === undefined || request.contentType === 'text/csv') &&
    // Headers and parameters checked before the body is read (an Idempotency-Key, `summary`) have
    // their own 400 first.
    !request.headers.some(([key]) => key === 'content-encoding' || key === 'idempotency-key') &&
    request.query.length === 0
  );
}

/** Sends one fuzzed request and judges the answer and what it did. */
export async function runOne(world: World, request: FuzzRequest, config: RunConfig): Promise<Outcome> {
  const wire = await toWire(world, request);
  const before = await countRows(world);
  const sent = await send(world.app.url, wire, config.timeoutMs);
  const out: Outcome = { wire, sent, violations: [], auxiliary: 0, rowsChecked: 0, rowOutcomes: new Map() };
  const where = `${wire.method} ${template(request)}`;
  const status = sent.ok ? sent.answer.status : 'no answer';
  const fail = (what: string, detail: string) =>
    out.violations.push({ signature: `${what}: ${where} → ${status}`, detail });

  if (!sent.ok) {
    fail(sent.timedOut ? 'hang' : 'connection error', sent.error);
  } else {
    const { answer } = sent;
    const body = parseJson(answer.text) as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : undefined;
    if (answer.status >= 500) fail('server error', excerpt(answer.text));
    else if (answer.status >= 400) {
      if (wire.method !== 'HEAD' && (!isJsonType(answer) || !message?.trim())) {
        fail('4xx without a JSON message', `${answer.headers['content-type']}: ${excerpt(answer.text)}`);
      }
      const after = await countRows(world);
      // Nothing created, and nothing deleted either (deleting several duplicates is all or nothing).
      const changed = Object.keys(before).filter((table) => after[table] !== before[table]);
      if (changed.length)
        fail('4xx changed rows', changed.map((t) => `${t} ${before[t]} → ${after[t]}`).join(', '));
    } else if (
      (answer.status < 200 || answer.status >= 300) &&
      !(answer.status === 304 && isConditional(wire))
    ) {
      fail('unexpected status', excerpt(answer.text));
    }
    if (
      request.adminStatus !== undefined &&
      isPlainAdministrator(request, wire) &&
      answer.status !== request.adminStatus
    ) {
      fail(`expected ${request.adminStatus}`, excerpt(answer.text));
    }
    for (const problem of await contractViolations(wire, answer)) fail('contract', problem);
    if (answer.status === 202 && wire.path.startsWith(ROUTES.importRows.path) && wire.method === 'POST') {
      await checkBatch(world, request, answer, config, out, fail);
    }
    if (answer.status === 200 && wire.path.startsWith(ROUTES.checkRows.path) && wire.method === 'POST') {
      await checkDryRunThenImport(world, request, wire, answer, config, out, fail);
    }
  }

  const health = await send(
    world.app.url,
    { method: 'GET', path: '/api/v1/health', headers: [], chunked: false },
    config.timeoutMs,
  );
  out.auxiliary++;
  if (!health.ok || health.answer.status !== 200) {
    fail(
      'crash',
      `health afterwards: ${health.ok ? `${health.answer.status} ${excerpt(health.answer.text)}` : health.error}`,
    );
  }
  return out;
}

/** One violation with its request and answer, for a person. */
export function describeOutcome(outcome: Outcome): string {
  const answer = outcome.sent.ok
    ? `${outcome.sent.answer.status} ${outcome.sent.answer.headers['content-type'] ?? ''} ${excerpt(outcome.sent.answer.text, 500)}`
    : outcome.sent.error;
  return `${describeWire(outcome.wire)}\n→ ${answer}\n${outcome.violations.map((v) => `  ✗ ${v.signature}\n    ${v.detail}`).join('\n')}`;
}
