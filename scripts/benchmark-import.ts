/**
 * npm run benchmark [-- --rows 100000 --runs 3 --csv-rows 300000 --csv-runs 3
 *                      --chunk-size N --concurrency N --pollers 20 --profile --keep-server]
 *
 * Measures the import against its physical floor, in one run (issue 11). It starts a throw-away
 * embedded PostgreSQL (or uses BENCH_DATABASE_URL) and the service as a child process, so that the
 * server's memory is measured alone, then for each run:
 *  1. check-rows on N rows (85 % fresh keys, 15 % repeats of earlier keys), JSON;
 *  2. the COPY floor: the table rows the import would write for the same rows, loaded with COPY into
 *     the same tables in one transaction, rolled back (before the import, which then takes the keys);
 *  3. the import: POST → 202 → completed, watched by 20 pollers at 10 polls/s each, with the server's
 *     peak RSS, its CPU and PostgreSQL's, and per-stage times read from the batch and its pg-boss jobs;
 * then streams a CSV file of --csv-rows rows (0 skips it) as text/csv to the same endpoint. Every run
 * gets a fresh server process (the database is kept), unless --keep-server.
 * Prints min / median / max over the runs as a table, the issue's targets as PASS / FAIL lines, and
 * one final `BENCHMARK_JSON {...}` line. A target missed is reported, never an error; the exit code
 * is non-zero only when an import does not complete or its outcomes are not the expected split.
 * `--profile` loads pg_stat_statements and prints the top statements of the last JSON import (the
 * tables then hold the rows of the earlier runs, as a production database holds older imports).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { readSettings } from '../api/lib/core/settings';
import {
  codeVersion,
  createAdministrator,
  type Database,
  type Machine,
  machineInfo,
  type Server,
  startDatabase,
  startServer,
} from './benchmark/environment';
import { csvFigures, jsonFigures, targetChecks } from './benchmark/figures';
import { printProfile, profilingAvailable } from './benchmark/profile';
import { checkResult, figuresJson, printChecks, printTable } from './benchmark/report';
import { type Context, type CsvRun, type JsonRun, RunFailure, runCsv, runJson } from './benchmark/runs';

interface Options {
  rows: number;
  runs: number;
  csvRows: number;
  csvRuns: number;
  chunkSize: number;
  concurrency: number;
  pollers: number;
  timeoutSeconds: number;
  profile: boolean;
  keepServer: boolean;
}

function readOptions(): Options {
  const defaults = readSettings({});
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      runs: { type: 'string', default: '3' },
      'csv-rows': { type: 'string', default: '300000' },
      'csv-runs': { type: 'string' },
      'chunk-size': { type: 'string', default: String(defaults.import.chunkSize) },
      concurrency: { type: 'string', default: String(defaults.queue.chunkConcurrency) },
      pollers: { type: 'string', default: '20' },
      timeout: { type: 'string', default: '1800' },
      profile: { type: 'boolean', default: false },
      'keep-server': { type: 'boolean', default: false },
    },
  });
  const int = (name: string, raw: string | undefined, min: number) => {
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return value;
  };
  const runs = int('runs', values.runs, 1);
  return {
    rows: int('rows', values.rows, 20),
    runs,
    csvRows: int('csv-rows', values['csv-rows'], 0),
    csvRuns: int('csv-runs', values['csv-runs'] ?? String(runs), 1),
    chunkSize: int('chunk-size', values['chunk-size'], 1),
    concurrency: int('concurrency', values.concurrency, 1),
    pollers: int('pollers', values.pollers, 1),
    timeoutSeconds: int('timeout', values.timeout, 1),
    profile: values.profile ?? false,
    keepServer: values['keep-server'] ?? false,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function logJsonRun(run: number, r: JsonRun): void {
  console.log(
    `run ${run}: check-rows ${seconds(r.checkMs)}, COPY floor ${seconds(r.floor.ms)}, POST→202 ${seconds(r.postMs)}, ` +
      `POST→completed ${seconds(r.totalMs)} (${r.ratio.toFixed(2)}× the floor, ${r.rowsPerSecond.toFixed(0)} rows/s), ` +
      `chunks ${seconds(r.stages.chunks)}, reports ${seconds(r.stages.reports)}, poll p99 ${r.pollP99.toFixed(0)} ms, ` +
      `server ${r.restRssMb.toFixed(0)} → ${r.peakRssMb.toFixed(0)} MB`,
  );
}

function logCsvRun(run: number, r: CsvRun): void {
  if (!r.available) return;
  console.log(
    `csv run ${run}: ${r.fileMb.toFixed(0)} MB file, POST→202 ${seconds(r.postMs)}, POST→completed ` +
      `${seconds(r.totalMs)} (${r.rowsPerSecond.toFixed(0)} rows/s), server peak ${r.peakRssMb.toFixed(0)} MB`,
  );
}

/** Each run on a fresh server process (unless --keep-server): runs are replicates, memory does not carry over. */
async function runAll(ctx: Context, options: Options, restart: () => Promise<void>) {
  const fresh = async (first: boolean) => {
    if (!first && !options.keepServer) await restart();
  };
  const json: JsonRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    await fresh(run === 1);
    json.push(await runJson(ctx, run, options.rows, options.profile && run === options.runs));
    logJsonRun(run, json[json.length - 1]);
  }
  const csv: CsvRun[] = [];
  for (let run = 1; options.csvRows > 0 && run <= options.csvRuns; run++) {
    await fresh(false);
    const result = await runCsv(ctx, run, options.csvRows);
    csv.push(result);
    if (!result.available) break; // the endpoint does not take CSV yet: once is enough to say so
    logCsvRun(run, result);
  }
  return { json, csv };
}

type Code = ReturnType<typeof codeVersion>;

function report(options: Options, machine: Machine, codeAtStart: Code, json: JsonRun[], csv: CsvRun[]): void {
  const jsonTable = jsonFigures(json, options.rows);
  printTable(
    `JSON import of ${options.rows.toLocaleString('en')} rows, ${options.runs} run(s): min / median / max`,
    jsonTable,
  );

  const refused = csv.find((run) => !run.available);
  let csvNote = 'skipped (--csv-rows 0)';
  if (refused && !refused.available) {
    csvNote = `not available (HTTP ${refused.status}: ${refused.message})`;
    console.log(`\nCSV upload: ${csvNote}`);
  }
  const csvTable = csv.length && !refused ? csvFigures(csv, options.csvRows) : null;
  if (csvTable) {
    printTable(
      `Streamed CSV import of ${options.csvRows.toLocaleString('en')} rows, ${csv.length} run(s): min / median / max`,
      csvTable,
    );
  }

  const profile = json[json.length - 1]?.profile ?? null;
  if (profile) printProfile(profile, options.rows);

  const checks = targetChecks({
    rows: options.rows,
    json: jsonTable,
    csvRows: options.csvRows,
    csv: csvTable,
    csvNote,
  });
  printChecks(checks);
  console.log(
    `\nMachine: ${machine.cores} cores (${machine.cpu}), ${machine.ramGb} GB RAM, ${machine.os}, ` +
      `Node ${machine.node}, PostgreSQL ${machine.postgres}; load average ${machine.load.start.toFixed(1)} at the ` +
      `start, ${machine.load.end.toFixed(1)} at the end. Client, server and PostgreSQL share this machine; ` +
      'the server runs in its own process, whose RSS (VmRSS sampled every 50 ms and the kernel peak VmHWM) is ' +
      `reported${options.keepServer ? '' : ', a fresh process for each run'}.`,
  );
  const code = codeVersion();
  const describe = (c: Code) => `commit ${c.commit}${c.modified ? ' with uncommitted changes' : ''}`;
  console.log(`Code: ${describe(code)}.`);
  // Each run starts the server from the work tree: a commit in between changes what later runs measure.
  if (code.commit !== codeAtStart.commit)
    console.log(`Warning: the code changed during the benchmark (${describe(codeAtStart)} at the start).`);
  const line = {
    machine,
    code: { ...code, atStart: codeAtStart },
    parameters: { ...options, pollHz: 10 },
    json: figuresJson(jsonTable),
    csv: csvTable ? figuresJson(csvTable) : { available: false, note: csvNote },
    checks: checks.map((check) => ({ ...check, result: checkResult(check) })),
    profile: profile && {
      topLevelMs: Math.round(profile.topLevelMs),
      statements: profile.statements.map((s) => ({ ...s, query: s.query.slice(0, 300) })),
    },
  };
  console.log(`BENCHMARK_JSON ${JSON.stringify(line)}`);
}

async function main(): Promise<void> {
  const options = readOptions();
  const loadAtStart = os.loadavg()[0];
  const codeAtStart = codeVersion();
  if (loadAtStart > os.availableParallelism() / 2) {
    console.log(
      `Warning: the machine is busy (load average ${loadAtStart.toFixed(1)}): expect slower, noisier figures.`,
    );
  }
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'cave-import-bench-'));
  const cleanups: (() => Promise<unknown>)[] = [
    async () => rmSync(workDir, { recursive: true, force: true }),
  ];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
  try {
    const database: Database = await startDatabase(options.profile);
    cleanups.push(() => database.stop());
    const { chunkSize, concurrency } = options;
    const serverOptions = { databaseUrl: database.url, chunkSize, concurrency, workDir };
    let server: Server = await startServer(serverOptions);
    cleanups.push(() => server.stop()); // whichever server is running then
    const pool = new pg.Pool({ connectionString: database.url, max: 4, application_name: 'benchmark' });
    cleanups.push(() => pool.end());
    if (options.profile) {
      const unavailable = await profilingAvailable(pool);
      if (unavailable) console.log(`Profile not available: ${unavailable}`);
      options.profile = !unavailable;
    }

    const admin = await createAdministrator(pool);
    console.log(
      `Benchmark: ${options.runs} × ${options.rows.toLocaleString('en')} JSON rows, ` +
        `${options.csvRows ? `${options.csvRuns} × ${options.csvRows.toLocaleString('en')} CSV rows` : 'no CSV'}, ` +
        `chunks of ${chunkSize}, ${concurrency} concurrent chunks, ${options.pollers} pollers`,
    );
    const ctx: Context = {
      client: { url: server.url, token: admin.token },
      server,
      database,
      pool,
      initiatorId: admin.id,
      queueSchema: readSettings({ PGBOSS_SCHEMA: process.env.PGBOSS_SCHEMA }).queue.schema,
      concurrency,
      pollers: options.pollers,
      timeoutMs: options.timeoutSeconds * 1000,
      workDir,
    };
    const restart = async () => {
      await server.stop();
      server = await startServer(serverOptions);
      ctx.server = server;
      ctx.client.url = server.url;
    };
    const { json, csv } = await runAll(ctx, options, restart);
    report(options, await machineInfo(pool, loadAtStart), codeAtStart, json, csv);
  } finally {
    await cleanUp();
  }
}

main().catch((error) => {
  console.error(error instanceof RunFailure ? `Benchmark failed: ${error.message}` : error);
  process.exit(1);
});
