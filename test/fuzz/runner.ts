/**
 * Runs the fuzzer: `requests` requests drawn by fast-check from one seed, each judged by the
 * property (./property). A violation does not stop the run, so one bug cannot hide the others:
 * violations are grouped by signature, and then each group's first request is replayed through
 * fast-check (`seed` + `path`) and shrunk to a minimal request that still breaks the same way.
 */
import fc from 'fast-check';
import type { Outcome, RunConfig } from './checks';
import { excerpt } from './json';
import { describeOutcome, runOne } from './property';
import { type FuzzRequest, ROUTE_NAMES } from './request';
import { requestArbitrary } from './requests';
import type { World } from './world';

export interface FuzzOptions extends Partial<RunConfig> {
  requests: number;
  seed: number;
  /** Distinct violations to shrink (each replays requests): the rest are shown as first seen. */
  shrinkLimit?: number;
  /** Time one shrink may take. */
  shrinkTimeMs?: number;
  progress?: (done: number, total: number) => void;
  /** Replays (and shrinks) the one request of this fast-check path instead of a whole run. */
  replayPath?: string;
}

export interface Finding {
  signature: string;
  count: number;
  /** The fast-check path of the first request that showed it, to replay it with the same seed. */
  path: string;
  first: string;
  shrunk?: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  auxiliary: number;
  rowsChecked: number;
  rowOutcomes: Map<string, number>;
  batches: number;
  ms: number;
  statuses: Map<string, number>;
  byRoute: Map<string, Map<string, number>>;
  findings: Finding[];
  /** The slowest answer, with its request line. */
  slowest: { ms: number; request: string };
}

/** Most serious first: these are shrunk first and printed first. */
const SEVERITY = [
  'fuzzer error',
  'crash',
  'hang',
  'connection error',
  'server error',
  '4xx changed rows',
  'rows lost',
  'row without outcome',
  'batch not completed',
  'broken row imported',
  'valid row failed',
  'failure without message',
  'dry run',
  'expected',
  'unexpected status',
  '4xx without a JSON message',
  'contract',
];
function severity(finding: Finding): number {
  const rank = SEVERITY.findIndex((prefix) => finding.signature.startsWith(prefix));
  return rank < 0 ? SEVERITY.length : rank;
}

const statusOf = (outcome: Outcome) => (outcome.sent.ok ? String(outcome.sent.answer.status) : 'none');

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Replays the request at `path` and shrinks it while it still shows `signature`. */
async function shrink(
  world: World,
  options: FuzzOptions,
  config: RunConfig,
  finding: Finding,
): Promise<string | undefined> {
  let last: Outcome | undefined;
  const property = fc.asyncProperty(requestArbitrary(world.limits), async (request: FuzzRequest) => {
    const outcome = await runOne(world, request, config);
    const same = outcome.violations.some((v) => v.signature === finding.signature);
    if (same) last = outcome;
    return !same;
  });
  await fc.check(property, {
    seed: options.seed,
    path: finding.path,
    numRuns: 1,
    interruptAfterTimeLimit: options.shrinkTimeMs ?? 60_000,
  });
  return last && describeOutcome(last);
}

export async function runFuzz(world: World, options: FuzzOptions): Promise<FuzzReport> {
  const config: RunConfig = {
    timeoutMs: options.timeoutMs ?? 10_000,
    batchTimeoutMs: options.batchTimeoutMs ?? 60_000,
  };
  const started = performance.now();
  const report: FuzzReport = {
    seed: options.seed,
    requests: 0,
    auxiliary: 0,
    rowsChecked: 0,
    rowOutcomes: new Map(),
    batches: 0,
    ms: 0,
    statuses: new Map(),
    byRoute: new Map([...ROUTE_NAMES, 'stray'].map((route) => [route, new Map()])),
    findings: [],
    slowest: { ms: 0, request: '' },
  };
  const findings = new Map<string, Finding>();
  const property = fc.asyncProperty(requestArbitrary(world.limits), async (request: FuzzRequest) => {
    const index = report.requests++;
    let outcome: Outcome;
    try {
      outcome = await runOne(world, request, config);
    } catch (error) {
      // The fuzzer's own step failed (a query, a parse): said once, with the request that caused it.
      const signature = `fuzzer error: ${(error as Error).message}`;
      if (!findings.has(signature)) {
        findings.set(signature, {
          signature,
          count: 0,
          path: String(index),
          first: (error as Error).stack ?? '',
        });
      }
      findings.get(signature)!.count++;
      return true;
    }
    report.auxiliary += outcome.auxiliary;
    report.rowsChecked += outcome.rowsChecked;
    if (outcome.rowsChecked) report.batches++;
    for (const [key, n] of outcome.rowOutcomes)
      report.rowOutcomes.set(key, (report.rowOutcomes.get(key) ?? 0) + n);
    count(report.statuses, statusOf(outcome));
    if (outcome.sent.ok && outcome.sent.answer.ms > report.slowest.ms) {
      report.slowest = {
        ms: outcome.sent.answer.ms,
        request: `${outcome.wire.method} ${excerpt(outcome.wire.path, 80)} (${outcome.wire.body?.length ?? 0} bytes) → ${statusOf(outcome)}`,
      };
    }
    count(report.byRoute.get(request.route)!, statusOf(outcome));
    for (const violation of outcome.violations) {
      const known = findings.get(violation.signature);
      if (known) known.count++;
      else
        findings.set(violation.signature, {
          signature: violation.signature,
          count: 1,
          path: String(index),
          first: describeOutcome(outcome),
        });
    }
    options.progress?.(report.requests, options.requests);
    return true;
  });
  const details = await fc.check(property, {
    seed: options.seed,
    ...(options.replayPath ? { path: options.replayPath, numRuns: 1 } : { numRuns: options.requests }),
  });
  if (details.failed)
    throw new Error(`the fuzzer itself failed: ${excerpt(fc.defaultReportMessage(details) ?? '', 3000)}`);

  report.findings = [...findings.values()].sort((a, b) => severity(a) - severity(b));
  for (const finding of report.findings.slice(0, options.shrinkLimit ?? 5)) {
    finding.shrunk = await shrink(world, options, config, finding);
  }
  report.ms = performance.now() - started;
  return report;
}

/** The report as text: requests, statuses (overall and by route), time, seed, and every violation. */
export function formatReport(report: FuzzReport): string {
  const sorted = (map: Map<string, number>) =>
    [...map.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
  const lines = [
    `${report.requests} requests (+${report.auxiliary} health checks and job reads), seed ${report.seed}, ${(report.ms / 1000).toFixed(1)} s`,
    `statuses: ${sorted(report.statuses)}`,
    `accepted imports checked: ${report.batches} batches, ${report.rowsChecked} rows`,
    `rows, expected → got: ${[...report.rowOutcomes.entries()]
      .sort()
      .map(([key, n]) => `${key} ×${n}`)
      .join(', ')}`,
    `slowest answer: ${report.slowest.ms.toFixed(0)} ms, ${report.slowest.request}`,
    'by route:',
    ...[...report.byRoute.entries()].map(([route, statuses]) => `  ${route.padEnd(17)} ${sorted(statuses)}`),
  ];
  if (!report.findings.length) lines.push('violations: none');
  else
    lines.push(
      `violations: ${report.findings.length} kinds`,
      ...report.findings.map((f) => `  ×${f.count} ${f.signature}`),
    );
  for (const finding of report.findings) {
    lines.push(
      '',
      `VIOLATION ×${finding.count}: ${finding.signature}`,
      `  replay: --seed ${report.seed} --path ${finding.path}`,
      finding.shrunk ? `shrunk counterexample:\n${finding.shrunk}` : `first seen:\n${finding.first}`,
    );
  }
  return lines.join('\n');
}
