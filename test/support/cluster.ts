/**
 * The service as several real processes on one database, driven over HTTP the way a front end
 * drives it, for the fault tests: start API + worker processes, sign an administrator in, post
 * batches, wait for them, and read the database on connections of the test's own.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { signToken } from '../../api/lib/auth/tokens';
import { upsertUser } from '../../api/lib/auth/users';
import { isFinalStatus } from '../../api/lib/core/types';
import { groupsOfCaver } from '../../api/lib/db/sql/cavers';
import type { JobStatus } from '../../api/lib/http/views/jobStatus';
import { freePort } from './database';
import { type ServiceProcess, startServiceProcess } from './processes';
import { entranceRow } from './rows';
import { TEST_SALT } from './testService';

export interface ApiProcess {
  process: ServiceProcess;
  url: string;
}

export interface Admin {
  id: number;
  token: string;
}

/** What every service process of a test shares: its database, salt and report folder. */
export function processEnv(databaseUrl: string, uploadsDir: string, extra: Record<string, string> = {}) {
  return {
    NODE_ENV: 'production',
    REPORT_STORAGE: 'local',
    DATABASE_URL: databaseUrl,
    TOKEN_SALT: TEST_SALT,
    LOCAL_UPLOADS_DIR: uploadsDir,
    LOG_LEVEL: 'info', // the start lines the helpers wait for are at info
    ...extra,
  };
}

export const uploadsFolder = () => mkdtempSync(path.join(os.tmpdir(), 'cave-import-faults-'));

/** An API + workers process (`npm start`), listening once this resolves. */
export async function startApiProcess(
  databaseUrl: string,
  uploadsDir: string,
  extra: Record<string, string> = {},
): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = startServiceProcess(
    [],
    processEnv(databaseUrl, uploadsDir, { PORT: String(port), PUBLIC_URL: url, ...extra }),
  );
  await process.waitFor(/Listening on/, 90_000);
  return { process, url };
}

/** A worker-only process (`npm run worker`), started once this resolves. */
export async function startWorkerProcess(
  databaseUrl: string,
  uploadsDir: string,
  extra: Record<string, string> = {},
): Promise<ServiceProcess> {
  const worker = startServiceProcess(['--worker-only'], processEnv(databaseUrl, uploadsDir, extra));
  await worker.waitFor(/Worker-only process started/, 90_000);
  return worker;
}

/** Runs `work` on a connection of its own to `url`. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

let admins = 0;

/** An administrator in the database at `url`, with a token the processes (TEST_SALT) accept. */
export async function createAdmin(url: string): Promise<Admin> {
  return withClient(url, async (client) => {
    const n = ++admins;
    const nickname = `fault-admin-${process.pid}-${n}`;
    await client.query('BEGIN');
    const id = await upsertUser(client, {
      email: `${nickname}@example.org`,
      password: `password-${n}`,
      nickname,
      group: 'Administrator',
    });
    await client.query('COMMIT');
    return {
      id,
      token: signToken({ id, nickname, groups: await groupsOfCaver(client, id) }, TEST_SALT, 3600),
    };
  });
}

/** POSTs rows to import-rows and returns the batch id of its 202. */
export async function postRows(url: string, token: string, rows: object[]): Promise<string> {
  const res = await fetch(`${url}/api/v1/entrances/import-rows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ data: rows }),
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`import-rows answered ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { batchId: string }).batchId;
}

export async function jobStatus(url: string, token: string, batchId: string): Promise<JobStatus> {
  const res = await fetch(`${url}/api/v1/jobs/${batchId}`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200)
    throw new Error(`GET /api/v1/jobs/${batchId} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as JobStatus;
}

/** Waits until every batch has ended, asking `url` every 250 ms; throws with their states past the timeout. */
export async function waitForBatches(
  url: string,
  token: string,
  batchIds: string[],
  timeoutMs: number,
): Promise<JobStatus[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A poll that fails (the database is down, say) counts as "not ended yet".
    const statuses: (JobStatus | null)[] = [];
    for (const id of batchIds) statuses.push(await jobStatus(url, token, id).catch(() => null));
    const ended = statuses.filter(
      (s): s is JobStatus => s !== undefined && s !== null && isFinalStatus(s.status),
    );
    if (ended.length === batchIds.length) return ended;
    if (Date.now() > deadline) {
      throw new Error(
        `batches not ended after ${timeoutMs} ms: ${JSON.stringify(statuses.map((s) => s && { status: s.status, ...s.progress }))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Polls until `probe` is true, every 100 ms. */
export async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The pg-boss jobs of these batches that are not finished, by queue and state: what a stall leaves behind. */
export async function liveJobs(client: pg.ClientBase, batchIds: string[], schema = 'pgboss') {
  const { rows } = await client.query(
    `SELECT name, state, count(*)::int AS n, min(started_on) AS oldest_start, max(retry_count) AS retries
       FROM ${pg.escapeIdentifier(schema)}.job
      WHERE data->>'batchId' = ANY($1) AND state IN ('created', 'retry', 'active')
      GROUP BY name, state ORDER BY name, state`,
    [batchIds],
  );
  return rows;
}

/**
 * Two batches of `size` valid rows sharing `overlap` import keys: the last `overlap` keys of the first
 * are the first of the second. Between them, 2 × size − overlap keys, each to be imported once.
 */
export function overlappingBatches(size: number, overlap: number, prefix: string): [object[], object[]] {
  const row = (n: number) =>
    entranceRow({ id: `${prefix}-${process.pid}-${n}`, 'rdfs:label': `Gouffre ${n}` });
  const first = Array.from({ length: size }, (_, i) => row(i));
  const second = Array.from({ length: size }, (_, i) => row(size - overlap + i));
  return [first, second];
}

/** Rows processed so far by these batches, read from their counters. */
export async function processedRows(url: string, batchIds: string[]): Promise<number> {
  const { rows } = await withClient(url, (client) =>
    client.query(
      'SELECT coalesce(sum(successes + duplicates + failures), 0)::int AS n FROM t_job_batch WHERE id = ANY($1::uuid[])',
      [batchIds],
    ),
  );
  return rows[0].n;
}

/** The lines of a process's output at warn level or above, the last `count` of them. */
export function warnings(output: string, count = 30): string {
  return output
    .split('\n')
    .filter((line) => /warn|error/i.test(line))
    .slice(-count)
    .join('\n');
}

/** How many jobs of these batches needed more than one attempt, by queue. */
export async function retriedJobs(
  url: string,
  batchIds: string[],
  schema = 'pgboss',
): Promise<Record<string, number>> {
  const { rows } = await withClient(url, (client) =>
    client.query(
      `SELECT name, count(*)::int AS n FROM ${pg.escapeIdentifier(schema)}.job
        WHERE data->>'batchId' = ANY($1) AND retry_count > 0 GROUP BY name ORDER BY name`,
      [batchIds],
    ),
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.n]));
}
