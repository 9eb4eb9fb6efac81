import assert from 'node:assert/strict';
import { submit } from '../../support/imports';
import { type ServiceProcess, startServiceProcess } from '../../support/processes';
import { entranceRow } from '../../support/rows';
import { startTestService, TEST_SALT, type TestService } from '../../support/testService';

/** A worker-only process whose death the test decides. */
function startWorker(app: TestService): ServiceProcess {
  return startServiceProcess(['--worker-only'], {
    NODE_ENV: 'production',
    REPORT_STORAGE: 'local',
    DATABASE_URL: app.service.databaseUrl,
    TOKEN_SALT: TEST_SALT,
    PUBLIC_URL: app.url,
    LOCAL_UPLOADS_DIR: app.settings.storage.localDir,
    IMPORT_CHUNK_EXPIRE: '3',
    IMPORT_REPORT_EXPIRE: '3',
    IMPORT_CHUNK_RETRY_DELAY: '1',
    QUEUE_SUPERVISE_INTERVAL: '1',
    LOG_LEVEL: 'warn',
  });
}

describe('CSVImportQueueService: crash recovery', () => {
  let app: TestService;
  const workers: ServiceProcess[] = [];

  before(async () => {
    // The API process runs no workers: the work happens in the processes this test kills.
    app = await startTestService({
      settings: {
        import: { chunkSize: 10 },
        queue: {
          workers: false,
          chunkExpireSeconds: 3,
          aggregateExpireSeconds: 3,
          superviseIntervalSeconds: 1,
        },
      },
      env: { LOG_LEVEL: 'silent' },
    });
    await app.service.pool.query(`
      CREATE SEQUENCE crash_chunk;
      CREATE SEQUENCE crash_aggregate;
      -- The first chunk to commit, and later the first aggregation to commit, hang here: their
      -- process is then killed with the transaction open.
      CREATE FUNCTION hang_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.completed_chunks > OLD.completed_chunks AND nextval('crash_chunk') = 1 THEN PERFORM pg_sleep(60); END IF;
        IF NEW.status = 'completed' AND OLD.status = 'aggregating' AND nextval('crash_aggregate') = 1 THEN
          PERFORM pg_sleep(60);
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER hang_once BEFORE UPDATE ON t_job_batch FOR EACH ROW EXECUTE FUNCTION hang_once();`);
  });
  after(async () => {
    // The surviving worker is stopped as an operator would stop it; whatever is left is then killed.
    for (const worker of workers) await worker.stop('SIGTERM', 10_000);
    for (const worker of workers) await worker.stop('SIGKILL', 5000);
    await app.stop();
  });

  async function waitForHang(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await app.service.pool.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()",
      );
      if (rows[0].n > 0) return;
      if (Date.now() > deadline) throw new Error('no worker reached the hang');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Kills the worker process, and ends its orphaned session as the server would on a lost client. */
  async function crash(worker: ServiceProcess): Promise<void> {
    await worker.stop('SIGKILL');
    await app.service.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()",
    );
  }

  it('loses and doubles nothing when workers die mid-chunk and mid-aggregation', async function () {
    this.timeout(120_000);
    const admin = await app.createUser({ group: 'Administrator' });
    const rows = Array.from({ length: 30 }, () => entranceRow());
    const batchId = await submit(app, admin, rows);

    workers.push(startWorker(app));
    await waitForHang();
    await crash(workers[0]);

    workers.push(startWorker(app));
    await waitForHang(); // the chunk was retried after its expiry; now the aggregation hangs
    await crash(workers[1]);

    workers.push(startWorker(app));
    const status = await app.waitForBatch(batchId, admin.token, 90_000);
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 30, duplicates: 0, failures: 0 });
    assert.deepEqual(status.progress, {
      totalChunks: 3,
      completedChunks: 3,
      totalRows: 30,
      processedRows: 30,
      successes: 30,
      duplicates: 0,
      failures: 0,
    });
    const { rows: counts } = await app.service.pool.query(
      `SELECT (SELECT count(*)::int FROM t_entrance WHERE id_job_batch = $1) AS entrances,
              (SELECT count(*)::int FROM t_cave WHERE id_job_batch = $1) AS caves,
              (SELECT count(*)::int FROM t_name WHERE id_job_batch = $1) AS names,
              (SELECT count(*)::int FROM t_notification WHERE id_job_batch = $1) AS notifications,
              (SELECT count(*)::int FROM t_job_batch_outcome WHERE id_job_batch = $1 AND outcome = 'success') AS outcomes`,
      [batchId],
    );
    assert.deepEqual(counts[0], { entrances: 30, caves: 30, names: 60, notifications: 1, outcomes: 30 });
    const report = await fetch(status.result!.reportUrls.success!);
    assert.equal(report.status, 200);
    assert.equal((await report.text()).trim().split('\n').length, 31, 'header + 30 rows');
  });
});
