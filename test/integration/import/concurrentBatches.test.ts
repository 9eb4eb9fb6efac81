import assert from 'node:assert/strict';
import { importAndWait, submit } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

describe('CSVImportQueueService: chunks and batches at the same time', () => {
  const suite = useTestService({ settings: { import: { chunkSize: 25 } } });

  it('creates an author shared by many rows and chunks exactly once', async () => {
    const creator = 'https://example.org/cavers#Shared_Author_Everywhere';
    const rows = Array.from({ length: 120 }, () =>
      entranceRow({
        'karstlink:hasDescriptionDocument/dct:title': 'Notes',
        'karstlink:hasDescriptionDocument/dc:language': 'fra',
        'karstlink:hasDescriptionDocument/dct:creator': creator,
      }),
    );
    const status = await importAndWait(suite.app, suite.admin, rows);
    assert.equal(status.progress.totalChunks, 5);
    assert.deepEqual(status.result?.summary, { successes: 120, duplicates: 0, failures: 0 });
    const authors = await suite.app.query('SELECT id FROM t_caver WHERE nickname = $1', [
      'Shared Author Everywhere',
    ]);
    assert.equal(authors.length, 1);
    const [{ n }] = await suite.app.query(
      'SELECT count(*)::int AS n FROM t_entrance WHERE id_job_batch = $1 AND id_author = $2',
      [status.batchId, authors[0].id],
    );
    assert.equal(n, 120);
  });

  it('imports each key once when two batches with overlapping keys run at the same time', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `overlap-${i}`);
    const batchA = keys.slice(0, 45).map((id) => entranceRow({ id }));
    const batchB = keys.slice(15).map((id) => entranceRow({ id }));
    const [a, b] = await Promise.all([
      submit(suite.app, suite.admin, batchA),
      submit(suite.app, suite.admin, batchB),
    ]);
    const [doneA, doneB] = await Promise.all([
      suite.app.waitForBatch(a, suite.admin.token),
      suite.app.waitForBatch(b, suite.admin.token),
    ]);
    const successes = doneA.progress.successes + doneB.progress.successes;
    const duplicates = doneA.progress.duplicates + doneB.progress.duplicates;
    assert.equal(successes, 60, 'each key created once');
    assert.equal(duplicates, 30, 'the 30 shared keys are duplicates in one of the two batches');
    assert.equal(doneA.progress.failures + doneB.progress.failures, 0);
    const [{ n, distinct }] = await suite.app.query(
      `SELECT count(*)::int AS n, count(DISTINCT id_db_import)::int AS distinct
         FROM t_entrance WHERE id_db_import LIKE 'overlap-%' AND NOT is_deleted`,
    );
    assert.deepEqual([n, distinct], [60, 60]);
  });
});
