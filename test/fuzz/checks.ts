/**
 * What the property's steps share: the outcome of one request, the helpers that read an answer, and
 * the contract check (test/support/contract.ts) applied to one answer at a time.
 */
import { checkResponse, takeViolations } from '../support/contract';
import type { Answer, Sent, Wire } from './client';

export interface Violation {
  /** Groups violations that are the same bug: kind, method, route, status. */
  signature: string;
  detail: string;
}

export interface Outcome {
  wire: Wire;
  sent: Sent;
  violations: Violation[];
  /** Requests made besides the fuzzed one (health checks, job reads, imports of dry-run bodies). */
  auxiliary: number;
  /** Rows of accepted imports whose outcome was checked. */
  rowsChecked: number;
  /** `<expected> → <outcome>` of each checked row, and `dry run: <expected> → <list>`. */
  rowOutcomes: Map<string, number>;
}

export interface RunConfig {
  timeoutMs: number;
  /** How long an accepted batch may take to end. */
  batchTimeoutMs: number;
}

/** Records a violation of the request being judged: `what` names the kind, `detail` the evidence. */
export type Fail = (what: string, detail: string) => void;

export function tally(out: Outcome, key: string): void {
  out.rowOutcomes.set(key, (out.rowOutcomes.get(key) ?? 0) + 1);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isJsonType = (answer: Answer) =>
  /^application\/json\b/i.test(answer.headers['content-type'] ?? '');

/** Conditional GETs (If-None-Match: *) may get a 304: HTTP's answer, asked for, with no body to check. */
export const isConditional = (wire: Wire) =>
  wire.headers.some(([key]) => key === 'if-none-match' || key === 'if-modified-since');

/** What assets/swaggerV1.yaml says is wrong with this answer (nothing for paths it does not describe). */
export async function contractViolations(wire: Wire, answer: Answer): Promise<string[]> {
  await takeViolations(); // whatever an earlier step left, so that only this answer is judged
  // The checker reads the path through WHATWG URL, which resolves `%2e%2e` and re-encodes raw bytes: it
  // would judge the answer against another route than the one the server saw.
  const raw = wire.path.split('?')[0];
  if (new URL(wire.path, 'http://localhost').pathname !== raw) return [];
  if (answer.status === 304 && isConditional(wire)) return [];
  const parsed = answer.text === '' ? null : isJsonType(answer) ? parseJson(answer.text) : answer.text;
  await checkResponse({
    method: wire.method,
    url: wire.path,
    status: answer.status,
    headers: answer.headers,
    body: parsed,
  });
  return takeViolations();
}
