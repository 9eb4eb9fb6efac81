/**
 * What an accepted import or a dry run must come to: the batch ends, every row has exactly one
 * outcome, broken rows fail with a message and valid ones are imported; a dry run puts every row in
 * one list, and classifies the rows exactly as the import of the same body then does (SPEC 12.1).
 */

import { contractViolations, type Fail, type Outcome, parseJson, type RunConfig, tally } from './checks';
import { type Answer, send, type Wire } from './client';
import { type FuzzRequest, ROUTES } from './request';
import type { World } from './world';

interface DryRun {
  willBeCreated: unknown[];
  willBeCreatedAsDuplicates: unknown[];
  wontBeCreated: { line: number; message: string }[];
}

interface RowOutcome {
  line: number;
  outcome: string;
  message: string | null;
}

async function waitForBatch(world: World, batchId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await world.app.query('SELECT status FROM t_job_batch WHERE id = $1', [batchId]);
    const status = String(row?.status);
    if (status === 'completed' || status === 'failed' || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An accepted import: it ends, its job reads true to the contract, every row has one right outcome. */
export async function checkBatch(
  world: World,
  request: FuzzRequest,
  answer: Answer,
  config: RunConfig,
  out: Outcome,
  fail: Fail,
): Promise<RowOutcome[]> {
  const { batchId, totalRows } = JSON.parse(answer.text) as { batchId: string; totalRows: number };
  const status = await waitForBatch(world, batchId, config.batchTimeoutMs);
  if (status !== 'completed') {
    fail('batch not completed', `batch ${batchId} is ${status} after ${config.batchTimeoutMs} ms`);
    return [];
  }
  const job: Wire = {
    method: 'GET',
    path: `/api/v1/jobs/${batchId}`,
    headers: [['authorization', `Bearer ${world.users.Administrator.token}`]],
    chunked: false,
  };
  const read = await send(world.app.url, job, config.timeoutMs);
  out.auxiliary++;
  if (!read.ok || read.answer.status !== 200) {
    fail('job not readable', `GET ${job.path}: ${read.ok ? read.answer.status : read.error}`);
  } else {
    for (const problem of await contractViolations(job, read.answer)) fail('contract (job)', problem);
  }

  const rows = (await world.app.query(
    'SELECT line, outcome, message FROM t_job_batch_outcome WHERE id_job_batch = $1 ORDER BY line',
    [batchId],
  )) as RowOutcome[];
  const [{ staged }] = await world.app.query(
    'SELECT count(*)::int AS staged FROM t_job_batch_row WHERE id_job_batch = $1',
    [batchId],
  );
  out.rowsChecked += rows.length;
  const expected = request.rows?.length ?? totalRows;
  if (rows.length !== expected || staged !== expected || totalRows !== expected) {
    fail(
      'rows lost',
      `batch ${batchId}: ${expected} rows sent, totalRows ${totalRows}, ${staged} staged, ${rows.length} outcomes`,
    );
  }
  const expectations = new Map(request.rows?.map((row) => [row.line, row]));
  for (const row of rows) {
    const what = expectations.get(row.line);
    const label = `line ${row.line}${what ? ` (${what.note})` : ''}`;
    tally(out, `${what?.expect ?? 'unknown'} → ${row.outcome}`);
    if (!['success', 'duplicate', 'failure'].includes(row.outcome)) {
      fail('row without outcome', `${label}: outcome ${row.outcome}`);
    } else if (row.outcome === 'failure' && !row.message?.trim()) {
      fail('failure without message', label);
    } else if (what?.expect === 'failure' && row.outcome !== 'failure') {
      fail('broken row imported', `${label}: ${row.outcome}`);
    } else if (what?.expect === 'imported' && row.outcome === 'failure') {
      fail('valid row failed', `${label}: ${row.message}`);
    }
  }
  if (request.rows && rows.some((row) => !expectations.has(row.line))) {
    fail('outcome on an unknown line', rows.map((row) => row.line).join(','));
  }
  return rows;
}

/** A dry run's answer: every row in exactly one list, broken rows refused, valid ones not. */
function checkDryRun(request: FuzzRequest, dry: DryRun, out: Outcome, fail: Fail): void {
  const rows = request.rows ?? [];
  const total = dry.willBeCreated.length + dry.willBeCreatedAsDuplicates.length + dry.wontBeCreated.length;
  if (request.rows && total !== rows.length) {
    fail('dry run lost rows', `${total} rows classified, ${rows.length} sent`);
  }
  const refused = new Map(dry.wontBeCreated.map((entry) => [entry.line, entry.message]));
  for (const row of rows) {
    const message = refused.get(row.line);
    tally(out, `dry run: ${row.expect} → ${message ? 'wontBeCreated' : 'will be created'}`);
    if (row.expect === 'failure' && !message) {
      fail('dry run accepts a broken row', `line ${row.line} (${row.note})`);
    }
    if (row.expect === 'imported' && message) {
      fail('dry run refuses a valid row', `line ${row.line} (${row.note}): ${message}`);
    }
  }
}

/**
 * A dry run that answered 200, then the same body imported at once (same headers but its
 * Idempotency-Key, an administrator's token): the import must accept it and give each row the dry run's class.
 */
export async function checkDryRunThenImport(
  world: World,
  request: FuzzRequest,
  wire: Wire,
  answer: Answer,
  config: RunConfig,
  out: Outcome,
  fail: Fail,
): Promise<void> {
  const dry = parseJson(answer.text) as DryRun | undefined;
  if (!dry?.willBeCreated || !dry.willBeCreatedAsDuplicates || !dry.wontBeCreated) return;
  checkDryRun(request, dry, out, fail);
  const auth = `Bearer ${world.users.Administrator.token}`;
  const imported: Wire = {
    ...wire,
    path: wire.path.replace(ROUTES.checkRows.path, ROUTES.importRows.path),
    // A dry run reads no Idempotency-Key; the import would (replaying an earlier batch, or a 400).
    headers: [
      ...wire.headers.filter(([key]) => key !== 'authorization' && key !== 'idempotency-key'),
      ['authorization', auth],
    ],
  };
  const sent = await send(world.app.url, imported, config.timeoutMs);
  out.auxiliary++;
  if (!sent.ok || sent.answer.status !== 202) {
    const got = sent.ok ? `${sent.answer.status} ${sent.answer.text.slice(0, 200)}` : sent.error;
    fail('dry run accepted, import refused', got);
    return;
  }
  const rows = await checkBatch(world, request, sent.answer, config, out, fail);
  if (!rows.length) return;
  const refused = new Map(dry.wontBeCreated.map((entry) => [entry.line, entry.message]));
  const counts = { success: 0, duplicate: 0 } as Record<string, number>;
  for (const row of rows) {
    const dryMessage = refused.get(row.line);
    if (row.outcome !== 'failure') counts[row.outcome]++;
    if (
      (row.outcome === 'failure') !== (dryMessage !== undefined) ||
      (dryMessage && dryMessage !== row.message)
    ) {
      fail(
        'dry run and import disagree',
        `line ${row.line}: dry run ${dryMessage ?? 'accepts'}, import ${row.outcome} ${row.message ?? ''}`,
      );
    }
  }
  if (
    counts.success !== dry.willBeCreated.length ||
    counts.duplicate !== dry.willBeCreatedAsDuplicates.length
  ) {
    fail(
      'dry run and import disagree',
      `dry run ${dry.willBeCreated.length} created + ${dry.willBeCreatedAsDuplicates.length} duplicates, import ${counts.success} + ${counts.duplicate}`,
    );
  }
}
