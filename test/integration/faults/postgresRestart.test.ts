import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { migrateDatabase } from '../../../api/lib/db/migrate';
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
import { assertEveryRowOnce, type Query } from '../../support/exactlyOnce';
import { type PrivatePostgres, startPrivatePostgres } from '../../support/privatePostgres';

/** 30,000 rows per batch by default; FAULT_PG_ROWS lowers it on a machine too slow for that. */
const ROWS = Number(process.env.FAULT_PG_ROWS ?? 30_000);
const OVERLAP = Math.floor(ROWS / 2);
/** Rows processed before the database goes away: the batches are well under way, far from done. */
const STOP_AFTER_ROWS = Math.round(ROWS / 10);
const DOWN_MS = 3000;
/** SPEC 11 and issue 10: "both batches done within a minute or two of the restart". */
const RECOVERY_BOUND_MS = 120_000;

describe('Faults: PostgreSQL stopped for a few seconds and started again mid-batch', () => {
  let postgres: PrivatePostgres;
  let uploads: string;
  let admin: Admin;
  const processes: ApiProcess[] = [];
  const query: Query = async (text, values) =>
    withClient(postgres.url, async (client) => (await client.query(text, values)).rows);

  before(async function () {
    this.timeout(180_000);
    postgres = await startPrivatePostgres();
    await migrateDatabase(postgres.url);
    uploads = uploadsFolder();
    // Two API + workers processes (`npm start`), every setting at its default.
    processes.push(...(await Promise.all([0, 1].map(() => startApiProcess(postgres.url, uploads)))));
    admin = await createAdmin(postgres.url);
  });

  after(async function () {
    this.timeout(90_000);
    await Promise.all(processes.map(({ process }) => process.stop('SIGTERM', 30_000)));
    await Promise.all(processes.map(({ process }) => process.stop('SIGKILL', 5000)));
    await postgres?.destroy();
    if (uploads) rmSync(uploads, { recursive: true, force: true });
  });

  it('imports every row of two overlapping batches once, and ends both soon after the restart', async function () {
    this.timeout(420_000);
    const [first, second] = overlappingBatches(ROWS, OVERLAP, 'restart');
    // At once, each to a different process.
    const batchIds = await Promise.all([
      postRows(processes[0].url, admin.token, first),
      postRows(processes[1].url, admin.token, second),
    ]);
    await until(
      async () => (await processedRows(postgres.url, batchIds)) >= STOP_AFTER_ROWS,
      120_000,
      `${STOP_AFTER_ROWS} rows processed`,
    );
    const before = await processedRows(postgres.url, batchIds);
    const stoppedAt = Date.now();
    await postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DOWN_MS - (Date.now() - stoppedAt))));
    await postgres.start();
    const restartedAt = Date.now();
    const after = await processedRows(postgres.url, batchIds);
    console.log(
      `      PostgreSQL down ${((restartedAt - stoppedAt) / 1000).toFixed(1)} s after ${before} of ${2 * ROWS} rows (${after} committed at restart)`,
    );

    let ended: Awaited<ReturnType<typeof waitForBatches>>;
    try {
      ended = await waitForBatches(processes[0].url, admin.token, batchIds, 300_000);
    } catch (error) {
      const jobs = await withClient(postgres.url, (client) => liveJobs(client, batchIds));
      throw new Error(
        `${(error as Error).message}\nunfinished jobs: ${JSON.stringify(jobs)}\n` +
          processes.map(({ process }, i) => `process ${i}:\n${warnings(process.output())}`).join('\n'),
      );
    }
    const [{ last }] = await query(
      'SELECT max(completed_at) AS last FROM t_job_batch WHERE id = ANY($1::uuid[])',
      [batchIds],
    );
    const recovered = new Date(last as Date).getTime() - restartedAt;
    console.log(`      restart → both batches completed in ${(recovered / 1000).toFixed(1)} s`);

    console.log(`      jobs retried: ${JSON.stringify(await retriedJobs(postgres.url, batchIds))}`);
    assert.deepEqual(
      ended.map((status) => status.status),
      ['completed', 'completed'],
    );
    const tallies = await assertEveryRowOnce(query, batchIds);
    assert.equal(
      tallies.reduce((sum, t) => sum + t.successes, 0),
      2 * ROWS - OVERLAP,
      'each key imported once',
    );
    assert.equal(
      tallies.reduce((sum, t) => sum + t.duplicates, 0),
      OVERLAP,
      'each shared key a duplicate in one batch',
    );
    assert.equal(
      tallies.reduce((sum, t) => sum + t.failures, 0),
      0,
      'no row failed for a fault that was not its own',
    );
    for (const { url } of processes) {
      const health = await fetch(`${url}/api/v1/health`);
      assert.equal(health.status, 200, `${url} healthy after the restart`);
    }
    assert.ok(recovered < RECOVERY_BOUND_MS, `both batches ended ${recovered} ms after the restart`);
  });
});
