/**
 * One measured run: a JSON import (check-rows, the COPY floor, then the import watched by pollers) or
 * a streamed CSV import. Each verifies its outcome: a run that does not complete with the expected
 * split of successes, duplicates and failures throws a RunFailure.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { copyFloor, type Floor } from './copyFloor';
import type { Database, Server } from './environment';
import { type Client, type Counts, checkRows, type ImportBody, postImport, watchJob } from './http';
import { PeakMemory, rssMb, treeCpuSeconds } from './processStats';
import { type Profile, readProfile, resetProfile } from './profile';
import { percentile } from './report';
import { expectedOutcomes, makeRows, writeCsvFile } from './rows';
import { readStages, type Stages } from './stages';

export class RunFailure extends Error {}

export interface Context {
  client: Client;
  server: Server;
  database: Database;
  pool: pg.Pool;
  initiatorId: number;
  queueSchema: string;
  concurrency: number;
  pollers: number;
  timeoutMs: number;
  workDir: string;
}

/** What one import cost, from POST to completed. */
export interface Imported {
  postMs: number;
  totalMs: number;
  rowsPerSecond: number;
  stages: Stages;
  pollP50: number;
  pollP99: number;
  polls: number;
  pollErrors: number;
  restRssMb: number;
  peakRssMb: number;
  serverCpuS: number;
  postgresCpuS: number;
}

export interface JsonRun extends Imported {
  /** The server's RSS before check-rows: idle, unless --keep-server. */
  idleRssMb: number;
  checkMs: number;
  checkPeakRssMb: number;
  floor: Floor;
  ratio: number;
  profile: Profile | null;
}

export type CsvRun =
  | (Imported & { available: true; fileMb: number; generateMs: number })
  | { available: false; status: number; message: string };

function assertCounts(what: string, actual: Counts, rows: number): void {
  const expected = expectedOutcomes(rows);
  const { successes, duplicates, failures } = actual;
  if (
    successes !== expected.successes ||
    duplicates !== expected.duplicates ||
    failures !== expected.failures
  ) {
    throw new RunFailure(
      `${what}: ${successes}/${duplicates}/${failures} successes/duplicates/failures, expected ` +
        `${expected.successes}/${expected.duplicates}/${expected.failures}`,
    );
  }
}

const cpuNow = (ctx: Context) => ({
  server: treeCpuSeconds(ctx.server.pid),
  postgres: ctx.database.postmasterPid ? treeCpuSeconds(ctx.database.postmasterPid) : Number.NaN,
});

/** POSTs an import, watches it to its end with the pollers, checks its outcome and reads its stages. */
async function importAndWatch(ctx: Context, body: ImportBody, rows: number, what: string) {
  const restRssMb = rssMb(ctx.server.pid);
  const cpu = cpuNow(ctx);
  const memory = new PeakMemory(ctx.server.pid);
  const posted = await postImport(ctx.client, body);
  if (!posted.ok) {
    memory.stop();
    return posted;
  }
  const watched = await watchJob(ctx.client, posted.statusUrl, {
    pollers: ctx.pollers,
    hz: 10,
    timeoutMs: ctx.timeoutMs,
  });
  const peakRssMb = memory.stop();
  const cpuAfter = cpuNow(ctx);
  if (watched.final.status !== 'completed') {
    throw new RunFailure(`${what} ended ${watched.final.status}: ${watched.final.result?.error ?? ''}`);
  }
  assertCounts(what, watched.final.progress, rows);
  const totalMs = watched.endedAt - posted.startedAt;
  const client = {
    postSent: posted.startedWall,
    accepted: posted.startedWall + posted.ms,
    endSeen: posted.startedWall + totalMs,
  };
  const imported: Imported = {
    postMs: posted.ms,
    totalMs,
    rowsPerSecond: rows / (totalMs / 1000),
    stages: await readStages(ctx.pool, ctx.queueSchema, posted.batchId, client, ctx.concurrency),
    pollP50: percentile(watched.latencies, 0.5),
    pollP99: percentile(watched.latencies, 0.99),
    polls: watched.latencies.length,
    pollErrors: watched.errors,
    restRssMb,
    peakRssMb,
    serverCpuS: cpuAfter.server - cpu.server,
    postgresCpuS: cpuAfter.postgres - cpu.postgres,
  };
  return { ok: true as const, imported };
}

const prefixOf = (kind: string, run: number) => `bench-${kind}-${randomBytes(3).toString('hex')}-${run}`;

/**
 * check-rows, then the COPY floor (before the import: once imported, the rows' keys are taken), then
 * the import itself, profiled with pg_stat_statements when asked.
 */
export async function runJson(
  ctx: Context,
  run: number,
  rowCount: number,
  profile: boolean,
): Promise<JsonRun> {
  const rows = makeRows(prefixOf('json', run), rowCount);
  const body = JSON.stringify({ data: rows });

  const idleRssMb = rssMb(ctx.server.pid);
  const checkMemory = new PeakMemory(ctx.server.pid);
  const check = await checkRows(ctx.client, body);
  const checkPeakRssMb = checkMemory.stop();
  assertCounts(`check-rows of run ${run}`, check.counts, rowCount);

  const floor = await copyFloor(ctx.pool, ctx.database.url, rows, ctx.initiatorId);

  if (profile) await resetProfile(ctx.pool);
  const result = await importAndWatch(ctx, { json: body }, rowCount, `JSON import of run ${run}`);
  if (!result.ok) throw new RunFailure(`import-rows answered ${result.status}: ${result.message}`);
  const statements = profile ? await readProfile(ctx.pool) : null;
  const { imported } = result;
  return {
    ...imported,
    idleRssMb,
    checkMs: check.ms,
    checkPeakRssMb,
    floor,
    ratio: imported.totalMs / floor.ms,
    profile: statements,
  };
}

/** A CSV file of `rowCount` rows written to disk, then streamed to import-rows as text/csv. */
export async function runCsv(ctx: Context, run: number, rowCount: number): Promise<CsvRun> {
  const file = path.join(ctx.workDir, `bench-${run}.csv`);
  const generating = performance.now();
  await writeCsvFile(file, prefixOf('csv', run), rowCount);
  const generateMs = performance.now() - generating;
  const fileMb = statSync(file).size / 1024 / 1024;
  try {
    const result = await importAndWatch(ctx, { csvFile: file }, rowCount, `CSV import of run ${run}`);
    if (!result.ok) return { available: false, status: result.status, message: result.message };
    return { ...result.imported, available: true, fileMb, generateMs };
  } finally {
    rmSync(file, { force: true });
  }
}
