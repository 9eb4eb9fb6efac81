import assert from 'node:assert/strict';
import { readSettings } from '../../../api/lib/core/settings';
import { QUEUES } from '../../../api/lib/core/types';
import { queueJobTable } from '../../../api/lib/db/sql/queueJobs';
import { startWorkerProcess, until } from '../../support/cluster';
import { assertEveryRowOnce } from '../../support/exactlyOnce';
import { submit } from '../../support/imports';
import type { ServiceProcess } from '../../support/processes';
import { download } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import { startTestService, type TestService, type TestUser } from '../../support/testService';

/** The service's own defaults: expiry (900 s / 1,800 s), retry delays, heartbeat and supervision. */
const DEFAULTS = readSettings({}).queue;
/** SPEC 14: a dead worker is noticed within a minute; its batch then ends within this. */
const RECOVERY_BOUND_MS = 75_000;

describe('Faults: a worker killed with kill -9 mid-chunk and mid-report, default expiry', () => {
  let app: TestService;
  let admin: TestUser;
  const workers: ServiceProcess[] = [];

  before(async function () {
    this.timeout(120_000);
    // The API runs in the test process without workers; the work happens in worker processes that
    // the test kills. Every queue setting is the service's default: nothing shortens an expiry.
    app = await startTestService({
      settings: {
        import: { chunkSize: 100 },
        queue: {
          ...DEFAULTS,
          workers: false,
        },
      },
      env: { LOG_LEVEL: 'silent' },
    });
    admin = await app.createUser({ group: 'Administrator' });
    const database = new URL(app.service.databaseUrl).pathname.slice(1);
    await app.query(`
      -- A backend whose client died notices it within a second, even inside a statement, as it does
      -- at once when idle in a transaction: a killed worker's transaction ends, its locks go.
      ALTER DATABASE ${database} SET client_connection_check_interval = '1s';
      CREATE TABLE fault_armed (kind text PRIMARY KEY);
      CREATE SEQUENCE hang_chunk;
      CREATE SEQUENCE hang_report;
      -- Once armed, the first chunk to record its counts (all of its entrances written, uncommitted),
      -- or the first report step to complete its batch (reports stored), sleeps inside its transaction
      -- until its process is killed. Sequences are not transactional: the retry does not sleep.
      CREATE FUNCTION hang_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.completed_chunks > OLD.completed_chunks AND EXISTS (SELECT 1 FROM fault_armed WHERE kind = 'chunk') THEN
          IF nextval('hang_chunk') = 1 THEN PERFORM pg_sleep(600); END IF;
        END IF;
        IF NEW.status = 'completed' AND OLD.status = 'aggregating' AND EXISTS (SELECT 1 FROM fault_armed WHERE kind = 'report') THEN
          IF nextval('hang_report') = 1 THEN PERFORM pg_sleep(600); END IF;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER hang_once BEFORE UPDATE ON t_job_batch FOR EACH ROW EXECUTE FUNCTION hang_once();`);
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(workers.map((worker) => worker.stop('SIGTERM', 20_000)));
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL', 5000)));
    await app?.stop();
  });

  const startWorker = async () => {
    const worker = await startWorkerProcess(app.service.databaseUrl, app.settings.storage.localDir, {
      PUBLIC_URL: app.url,
    });
    workers.push(worker);
    return worker;
  };

  const sleepers = async () =>
    (
      await app.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()",
      )
    )[0].n as number;

  /** Kills the worker's whole process group with SIGKILL; returns the moment it was dead. */
  async function kill(worker: ServiceProcess): Promise<number> {
    assert.equal(await worker.stop('SIGKILL', 10_000), true, 'the worker died');
    const killedAt = Date.now();
    await until(async () => (await sleepers()) === 0, 10_000, "the killed worker's transaction ends");
    return killedAt;
  }

  /** The batch's jobs still running: those the killed process held. */
  const activeJobs = async (batchId: string) =>
    app.query(
      `SELECT name, count(*)::int AS n, min(expire_seconds) AS expire_seconds, min(heartbeat_seconds) AS heartbeat_seconds
         FROM ${queueJobTable(app.settings.queue.schema)} WHERE data->>'batchId' = $1 AND state = 'active' GROUP BY name ORDER BY name`,
      [batchId],
    );

  async function assertRecovered(batchId: string, rows: number, killedAt: number, step: string) {
    const status = await app.waitForBatch(batchId, admin.token, 150_000);
    const seen = Date.now() - killedAt;
    const [{ completed_at: completedAt }] = await app.query(
      'SELECT completed_at FROM t_job_batch WHERE id = $1',
      [batchId],
    );
    const recovered = new Date(completedAt as Date).getTime() - killedAt;
    console.log(
      `      ${step}: kill -9 → batch completed in ${(recovered / 1000).toFixed(1)} s (seen by the poll after ${(seen / 1000).toFixed(1)} s)`,
    );
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: rows, duplicates: 0, failures: 0 });
    assert.ok(
      recovered < RECOVERY_BOUND_MS,
      `recovered in ${recovered} ms, expected < ${RECOVERY_BOUND_MS} ms`,
    );
    await assertEveryRowOnce(app.query, [batchId]);
    const report = await download(status.result!.reportUrls.success!);
    assert.equal(report.status, 200);
    assert.equal(report.rows.length, rows + 1, 'success.csv: header + one line per row');
    assert.equal(new Set(report.rows.slice(1).map((cells) => cells[0])).size, rows, 'each line once');
  }

  it('resumes the chunks of a worker killed mid-chunk on another worker within a minute', async function () {
    this.timeout(240_000);
    await app.query("INSERT INTO fault_armed VALUES ('chunk')");
    const rows = Array.from({ length: 600 }, () => entranceRow());
    const batchId = await submit(app, admin, rows);

    const doomed = await startWorker();
    await until(async () => (await sleepers()) > 0, 60_000, 'a chunk of the first worker hangs');
    await startWorker(); // the survivor: its chunks wait on the batch row the hung chunk holds
    const held = await activeJobs(batchId);
    const chunks = held.find((job) => job.name === QUEUES.chunk);
    assert.ok(chunks, 'the batch has running chunk jobs');
    assert.equal(chunks.expire_seconds, 900, 'default chunk expiry');
    assert.equal(chunks.heartbeat_seconds, DEFAULTS.heartbeatSeconds);
    console.log(`      running when killed: ${JSON.stringify(held)}`);

    const killedAt = await kill(doomed);
    await assertRecovered(batchId, rows.length, killedAt, 'mid-chunk');
    const [{ retried }] = await app.query(
      `SELECT count(*) FILTER (WHERE retry_count > 0)::int AS retried FROM ${queueJobTable(app.settings.queue.schema)} WHERE name = $1 AND data->>'batchId' = $2`,
      [QUEUES.chunk, batchId],
    );
    assert.ok(retried >= 1, 'the killed chunks were retried (not re-sent by the recovery sweep)');
    await app.query("DELETE FROM fault_armed WHERE kind = 'chunk'");
  });

  it('resumes the report step of a worker killed mid-report on another worker within a minute', async function () {
    this.timeout(240_000);
    await app.query("INSERT INTO fault_armed VALUES ('report')");
    const rows = Array.from({ length: 300 }, () => entranceRow());
    const batchId = await submit(app, admin, rows);

    // The survivor of the first test imports the batch and hangs in its report step.
    const doomed = workers.at(-1)!;
    await until(async () => (await sleepers()) > 0, 60_000, 'the report step hangs');
    await startWorker();
    const held = await activeJobs(batchId);
    const report = held.find((job) => job.name === QUEUES.aggregate);
    assert.ok(report, 'the report step is running');
    assert.equal(report.expire_seconds, 1800, 'default report expiry');
    console.log(`      running when killed: ${JSON.stringify(held)}`);

    const killedAt = await kill(doomed);
    await assertRecovered(batchId, rows.length, killedAt, 'mid-report');
    await app.query("DELETE FROM fault_armed WHERE kind = 'report'");
  });
});
