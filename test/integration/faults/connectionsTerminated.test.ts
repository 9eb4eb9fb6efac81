import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { stringify } from 'csv-stringify/sync';
import {
  type Admin,
  type ApiProcess,
  createAdmin,
  liveJobs,
  overlappingBatches,
  postRows,
  processedRows,
  retriedJobs,
  startApiProcess,
  until,
  uploadsFolder,
  waitForBatches,
  warnings,
  withClient,
} from '../../support/cluster';
import { migratedDatabase } from '../../support/database';
import { assertEveryRowOnce, type Query } from '../../support/exactlyOnce';
import { entranceRow } from '../../support/rows';

const ROWS = 8000;
const OVERLAP = 4000;
/** The database cuts every connection of the service at these progress marks. */
const CUTS_AT_ROWS = [1500, 7000];
const RECOVERY_BOUND_MS = 90_000;

describe('Faults: every PostgreSQL connection of the service terminated mid-batch', () => {
  let databaseUrl: string;
  let uploads: string;
  let admin: Admin;
  const processes: ApiProcess[] = [];
  const query: Query = async (text, values) =>
    withClient(databaseUrl, async (client) => (await client.query(text, values)).rows);

  before(async function () {
    this.timeout(120_000);
    databaseUrl = await migratedDatabase();
    uploads = uploadsFolder();
    // Two API + workers processes (`npm start`), every setting at its default but the chunk size: at
    // 2,000 rows the 8 chunks of each process would run at once, and no cut could fall between them.
    const env = { IMPORT_CHUNK_SIZE: '250' };
    processes.push(...(await Promise.all([0, 1].map(() => startApiProcess(databaseUrl, uploads, env)))));
    admin = await createAdmin(databaseUrl);
  });

  after(async function () {
    this.timeout(90_000);
    await Promise.all(processes.map(({ process }) => process.stop('SIGTERM', 30_000)));
    await Promise.all(processes.map(({ process }) => process.stop('SIGKILL', 5000)));
    if (uploads) rmSync(uploads, { recursive: true, force: true });
  });

  /** pg_terminate_backend on every backend of the service's database but the one asking. */
  const terminateAll = () =>
    withClient(databaseUrl, async (client) => {
      const { rows } = await client.query(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      return rows[0].n as number;
    });

  it('answers an upload whose connection is cut mid-way with a JSON error, creates nothing, keeps serving', async function () {
    this.timeout(60_000);
    const { url } = processes[0];
    const rows = Array.from({ length: 400 }, () => entranceRow());
    const lines = stringify(rows, { header: true }).split(/(?<=\n)/);
    const [{ batches }] = await query('SELECT count(*)::int AS batches FROM t_job_batch');
    const request = http.request(`${url}/api/v1/entrances/import-rows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
    });
    request.write(lines.slice(0, 200).join(''));
    // The upload's COPY is running, idle in its transaction while it waits for more of the file.
    let copies = 0;
    await until(
      async () => {
        const [{ n }] = await query(
          `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE query LIKE 'COPY t_job_batch_row%' AND pid <> pg_backend_pid()`,
        );
        copies += n as number;
        return copies > 0;
      },
      20_000,
      'the upload staging its rows',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    request.end(lines.slice(200).join(''));
    const { status, body } = await answer;
    assert.equal(status, 503, body);
    assert.deepEqual(JSON.parse(body), {
      message: 'The database is busy or restarting. Try again in a moment.',
    });
    assert.equal(processes[0].process.child.exitCode, null, 'the process is still running');
    assert.equal((await fetch(`${url}/api/v1/health`)).status, 200);
    assert.deepEqual(await query('SELECT count(*)::int AS batches FROM t_job_batch'), [{ batches }]);
    // And the next upload goes through.
    assert.match(await postRows(url, admin.token, [entranceRow()]), /^[0-9a-f-]{36}$/);
  });

  it('imports every row of two overlapping batches once, and ends both', async function () {
    this.timeout(240_000);
    const [first, second] = overlappingBatches(ROWS, OVERLAP, 'terminated');
    const batchIds = await Promise.all([
      postRows(processes[0].url, admin.token, first),
      postRows(processes[1].url, admin.token, second),
    ]);
    let lastCut = 0;
    for (const mark of CUTS_AT_ROWS) {
      await until(async () => (await processedRows(databaseUrl, batchIds)) >= mark, 120_000, `${mark} rows`);
      const at = await processedRows(databaseUrl, batchIds);
      // Past an earlier cut, the service may not have connected again yet: cut once it has.
      let terminated = 0;
      await until(
        async () => {
          terminated = await terminateAll();
          return terminated > 0;
        },
        30_000,
        'connections of the service',
      );
      lastCut = Date.now();
      console.log(`      terminated ${terminated} connections at ${at} of ${2 * ROWS} rows`);
    }

    let ended: Awaited<ReturnType<typeof waitForBatches>>;
    try {
      ended = await waitForBatches(processes[1].url, admin.token, batchIds, RECOVERY_BOUND_MS);
    } catch (error) {
      const jobs = await withClient(databaseUrl, (client) => liveJobs(client, batchIds));
      throw new Error(
        `${(error as Error).message}\nunfinished jobs: ${JSON.stringify(jobs)}\n` +
          processes.map(({ process }, i) => `process ${i}:\n${warnings(process.output())}`).join('\n'),
      );
    }
    const [{ last }] = await query(
      'SELECT max(completed_at) AS last FROM t_job_batch WHERE id = ANY($1::uuid[])',
      [batchIds],
    );
    console.log(
      `      last termination → both batches completed in ${((new Date(last as Date).getTime() - lastCut) / 1000).toFixed(1)} s`,
    );
    console.log(`      jobs retried: ${JSON.stringify(await retriedJobs(databaseUrl, batchIds))}`);
    assert.deepEqual(
      ended.map((status) => status.status),
      ['completed', 'completed'],
    );
    const tallies = await assertEveryRowOnce(query, batchIds);
    assert.deepEqual(
      [
        tallies.reduce((sum, t) => sum + t.successes, 0),
        tallies.reduce((sum, t) => sum + t.duplicates, 0),
        tallies.reduce((sum, t) => sum + t.failures, 0),
      ],
      [2 * ROWS - OVERLAP, OVERLAP, 0],
      'each key imported once, each shared key a duplicate once, no failure',
    );
    for (const { url } of processes) {
      assert.equal((await fetch(`${url}/api/v1/health`)).status, 200, `${url} healthy`);
    }
  });
});
