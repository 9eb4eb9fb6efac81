import assert from 'node:assert/strict';
import { QUEUES } from '../../../api/lib/core/types';
import { importAndWait, outcomesOf } from '../../support/imports';
import { entranceWrites } from '../../support/internals';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

describe('CSVImportQueueService: faults', () => {
  const suite = useTestService({
    settings: { import: { chunkSize: 10 }, queue: { chunkRetryLimit: 2, chunkRetryDelaySeconds: 1 } },
    env: { LOG_LEVEL: 'silent' },
  });

  it('retries a chunk whose transaction failed, and imports its rows exactly once', async () => {
    // The first chunk to record its counts fails once, after all its entrance writes: the whole
    // chunk must roll back and the retry must not find half of it already written.
    await suite.app.query(`
      CREATE SEQUENCE fail_once;
      CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.completed_chunks > OLD.completed_chunks AND nextval('fail_once') = 1 THEN
          RAISE EXCEPTION 'connection reset (simulated)';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_once BEFORE UPDATE ON t_job_batch FOR EACH ROW EXECUTE FUNCTION fail_once();`);
    try {
      const rows = Array.from({ length: 30 }, () => entranceRow());
      const status = await importAndWait(suite.app, suite.admin, rows);
      assert.equal(status.status, 'completed');
      assert.deepEqual(status.result?.summary, { successes: 30, duplicates: 0, failures: 0 });
      const [{ entrances, caves, names }] = await suite.app.query(
        `SELECT (SELECT count(*)::int FROM t_entrance WHERE id_job_batch = $1) AS entrances,
                (SELECT count(*)::int FROM t_cave WHERE id_job_batch = $1) AS caves,
                (SELECT count(*)::int FROM t_name WHERE id_job_batch = $1) AS names`,
        [status.batchId],
      );
      assert.deepEqual([entrances, caves, names], [30, 30, 60]);
      const { retried } = await suite.app.jobsOf(QUEUES.chunk, status.batchId);
      assert.equal(retried, 1, 'exactly one chunk needed a second attempt');
    } finally {
      await suite.app.query(
        'DROP TRIGGER fail_once ON t_job_batch; DROP FUNCTION fail_once(); DROP SEQUENCE fail_once;',
      );
    }
  });

  it('turns the rows of a chunk that exhausts its retries into failures, and still ends the batch', async () => {
    // Chunks holding a row labelled "Cursed" can never record their counts.
    await suite.app.query(`
      CREATE FUNCTION always_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.successes > OLD.successes AND EXISTS (
          SELECT 1 FROM t_name WHERE id_job_batch = NEW.id AND name = 'Cursed'
        ) THEN
          RAISE EXCEPTION 'storage node lost (simulated)';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER always_fail BEFORE UPDATE ON t_job_batch FOR EACH ROW EXECUTE FUNCTION always_fail();`);
    try {
      const rows = Array.from({ length: 20 }, (_, i) =>
        entranceRow(i === 12 ? { 'rdfs:label': 'Cursed' } : {}),
      );
      const status = await importAndWait(suite.app, suite.admin, rows);
      assert.equal(status.status, 'completed');
      assert.deepEqual(status.result?.summary, { successes: 10, duplicates: 0, failures: 10 });
      const outcomes = await outcomesOf(suite.app, status.batchId);
      const failed = outcomes.filter((o) => o.outcome === 'failure');
      assert.deepEqual(
        failed.map((o) => o.line),
        Array.from({ length: 10 }, (_, i) => 12 + i),
      );
      for (const o of failed) {
        assert.equal(o.message, 'Chunk failed after 3 attempts: storage node lost (simulated)');
      }
      const [{ n }] = await suite.app.query(
        "SELECT count(*)::int AS n FROM t_name WHERE id_job_batch = $1 AND name = 'Cursed'",
        [status.batchId],
      );
      assert.equal(n, 0, 'nothing of the failed chunk was written');
    } finally {
      await suite.app.query('DROP TRIGGER always_fail ON t_job_batch; DROP FUNCTION always_fail();');
    }
  });

  it('isolates a row the database rejects so that it fails alone', async () => {
    await suite.app.query(`
      CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'name % is not allowed', NEW.name; END $$;
      CREATE TRIGGER poison BEFORE INSERT ON t_name FOR EACH ROW WHEN (NEW.name = 'Poison')
        EXECUTE FUNCTION poison();`);
    try {
      const rows = [entranceRow(), entranceRow({ 'rdfs:label': 'Poison' }), entranceRow(), entranceRow()];
      const status = await importAndWait(suite.app, suite.admin, rows);
      assert.deepEqual(status.result?.summary, { successes: 3, duplicates: 0, failures: 1 });
      const outcomes = await outcomesOf(suite.app, status.batchId);
      assert.deepEqual(outcomes[1], {
        line: 3,
        outcome: 'failure',
        message: 'name Poison is not allowed',
        id_entrance: null,
        id_cave: null,
      });
      const [{ entrances }] = await suite.app.query(
        'SELECT count(*)::int AS entrances FROM t_entrance WHERE id_job_batch = $1',
        [status.batchId],
      );
      assert.equal(entrances, 3, "the rejected row's entrance was rolled back with it");
    } finally {
      await suite.app.query('DROP TRIGGER poison ON t_name; DROP FUNCTION poison();');
    }
  });

  it('makes the loser of a race for one import key a duplicate of the winner', async () => {
    const result = await entranceWrites.raceForOneKey(suite.app.service.pool, suite.admin.id);
    assert.equal(result.winner.outcome, 'success');
    assert.equal(result.loser.outcome, 'duplicate');
    assert.equal(
      (result.loser as { entranceId: number }).entranceId,
      (result.winner as { entranceId: number }).entranceId,
    );
    assert.equal(result.entrancesWithKey, 1);
  });
});
