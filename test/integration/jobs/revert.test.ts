import assert from 'node:assert/strict';
import { importAndWait, outcomesOf, submit } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type TestUser, useTestService } from '../../support/testService';

/** Live (not soft-deleted) records of a batch, table by table. */
async function liveRecords(app: ReturnType<typeof useTestService>['app'], batchId: string) {
  const [row] = await app.query(
    `SELECT (SELECT count(*) FROM t_entrance WHERE id_job_batch = $1 AND NOT is_deleted)::int AS entrances,
            (SELECT count(*) FROM t_cave WHERE id_job_batch = $1 AND NOT is_deleted)::int AS caves,
            (SELECT count(*) FROM t_name WHERE id_job_batch = $1 AND NOT is_deleted)::int AS names,
            (SELECT count(*) FROM t_description WHERE id_job_batch = $1 AND NOT is_deleted)::int AS descriptions,
            (SELECT count(*) FROM t_location WHERE id_job_batch = $1 AND NOT is_deleted)::int AS locations,
            (SELECT count(*) FROM t_entrance_duplicate WHERE id_job_batch = $1)::int AS duplicates`,
    [batchId],
  );
  return row as Record<string, number>;
}

describe('Batch control: revert', () => {
  const suite = useTestService();
  let moderator: TestUser;
  let user: TestUser;

  before(async () => {
    moderator = await suite.app.createUser({ group: 'Moderator' });
    user = await suite.app.createUser({ group: 'User' });
  });

  const revert = (batchId: string, token: string) =>
    suite.app.http().post(`/api/v1/jobs/${batchId}/revert`).set('Authorization', `Bearer ${token}`);

  it('soft-deletes everything the batch created and the duplicates it recorded, records who and when, and lets the rows import again', async () => {
    const earlier = await importAndWait(suite.app, suite.admin, [entranceRow()]);
    const taken = (await suite.app.query(
      'SELECT id_db_import, name_db_import FROM t_entrance WHERE id_job_batch = $1',
      [earlier.batchId],
    )) as { id_db_import: string; name_db_import: string }[];
    const documented = () =>
      entranceRow({
        'karstlink:hasDescriptionDocument/dct:title': 'Description',
        'karstlink:hasDescriptionDocument/dct:description': 'A porch onto a fossil gallery.',
        'karstlink:hasDescriptionDocument/dc:language': 'fra',
        'karstlink:hasDescriptionDocument/dct:creator': 'Jane Caver',
        'karstlink:hasAccessDocument/dct:description': 'Follow the path to the cliff foot.',
        'karstlink:hasAccessDocument/dc:language': 'fra',
        'karstlink:hasAccessDocument/dct:creator': 'Jane Caver',
      });
    const rows = [
      ...Array.from({ length: 40 }, documented),
      entranceRow({ id: taken[0].id_db_import, 'dct:rights/cc:attributionName': taken[0].name_db_import }),
      entranceRow({ 'gn:countryCode': 'ZZ' }),
    ];
    const batch = await importAndWait(suite.app, suite.admin, rows);
    assert.deepEqual(batch.result?.summary, { successes: 40, duplicates: 1, failures: 1 });
    const before = await liveRecords(suite.app, batch.batchId);
    assert.equal(before.entrances, 40);
    assert.ok(before.names >= 40 && before.descriptions >= 40 && before.locations >= 40);
    assert.equal(before.duplicates, 1);

    const res = await revert(batch.batchId, suite.admin.token);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'completed');
    assert.equal(res.body.revertedBy, suite.admin.id);
    assert.ok(Date.now() - Date.parse(res.body.revertedAt) < 60_000);
    assert.deepEqual(await liveRecords(suite.app, batch.batchId), {
      entrances: 0,
      caves: 0,
      names: 0,
      descriptions: 0,
      locations: 0,
      duplicates: 0,
    });
    const shown = await suite.app
      .http()
      .get(`/api/v1/jobs/${batch.batchId}`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(shown.body.revertedAt, res.body.revertedAt);
    assert.equal((await liveRecords(suite.app, earlier.batchId)).entrances, 1, 'another batch is untouched');

    const again = await revert(batch.batchId, suite.admin.token);
    assert.equal(again.status, 409);
    assert.equal(again.body.message, `This import was already reverted on ${res.body.revertedAt}.`);

    const reimported = await importAndWait(suite.app, suite.admin, rows);
    assert.deepEqual(
      reimported.result?.summary,
      { successes: 40, duplicates: 1, failures: 1 },
      'the same rows are new entrances again; the earlier batch’s key is still taken',
    );
  });

  it('answers 401, reverting nothing, for the token of an administrator deleted since', async () => {
    const batch = await importAndWait(suite.app, suite.admin, [entranceRow()]);
    const ghost = await suite.app.createUser({ group: 'Administrator' });
    await suite.app.query('DELETE FROM j_caver_group WHERE id_caver = $1', [ghost.id]);
    await suite.app.query('DELETE FROM t_caver WHERE id = $1', [ghost.id]);
    const before = await liveRecords(suite.app, batch.batchId);
    const res = await revert(batch.batchId, ghost.token);
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(res.body, {
      message: 'The account this token was issued for no longer exists. Sign in again.',
    });
    assert.deepEqual(await liveRecords(suite.app, batch.batchId), before);
  });

  it('is for administrators only; 404 for no batch; 409 before the batch has ended', async () => {
    const done = await importAndWait(suite.app, suite.admin, [entranceRow()]);
    for (const [who, token] of [
      ['moderator', moderator.token],
      ['user', user.token],
    ] as const) {
      const res = await revert(done.batchId, token);
      assert.equal(res.status, 403, who);
      assert.deepEqual(res.body, { message: 'You are not authorized to revert an import.' });
    }
    assert.equal((await suite.app.http().post(`/api/v1/jobs/${done.batchId}/revert`)).status, 401);
    assert.equal((await revert('00000000-0000-4000-8000-000000000000', suite.admin.token)).status, 404);
    assert.equal((await liveRecords(suite.app, done.batchId)).entrances, 1, 'nothing was reverted');

    const running = await submit(
      suite.app,
      suite.admin,
      Array.from({ length: 400 }, () => entranceRow()),
    );
    const early = await revert(running, suite.admin.token);
    if (early.status === 409) {
      assert.match(
        early.body.message,
        /^This import has not ended yet \((pending|active|aggregating)\): it can be reverted once it has\.$/,
      );
    } else {
      assert.equal(early.status, 200, 'it can only have ended meanwhile');
    }
    await suite.app.waitForBatch(running, suite.admin.token);
  });

  it('loses no row and doubles none when a new import of the same keys races the revert', async () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const rows = Array.from({ length: 300 }, () => entranceRow());
      const first = await importAndWait(suite.app, suite.admin, rows);
      assert.equal(first.result?.summary.successes, 300);
      // The same keys imported again, the revert landing before, among or after its 12 chunks: rows
      // read before it committed are duplicates of the first batch's entrances, the others new ones.
      const secondId = await submit(suite.app, suite.admin, rows);
      await new Promise((resolve) => setTimeout(resolve, attempt * 300));
      const reverted = await revert(first.batchId, suite.admin.token);
      assert.equal(reverted.status, 200, reverted.text);
      const second = await suite.app.waitForBatch(secondId, suite.admin.token);
      const outcomes = await outcomesOf(suite.app, secondId);
      assert.equal(outcomes.length, 300, 'every row of the new import has one outcome');
      assert.equal(second.result!.summary.failures, 0);

      const perKey = (await suite.app.query(
        `SELECT e.id_db_import, count(*) FILTER (WHERE NOT e.is_deleted)::int AS live
           FROM t_entrance e WHERE e.id_db_import = ANY($1) GROUP BY e.id_db_import`,
        [rows.map((row) => row.id)],
      )) as { id_db_import: string; live: number }[];
      assert.equal(perKey.length, 300);
      assert.ok(
        perKey.every((key) => key.live <= 1),
        'no key has two live entrances',
      );
      // A row of the new import is either a live entrance of its own, or a duplicate kept for review
      // (of the first batch's entrance, when it read that entrance before the revert committed).
      const [{ kept }] = await suite.app.query(
        `SELECT count(*)::int AS kept FROM t_job_batch_outcome o
          WHERE o.id_job_batch = $1
            AND ((o.outcome = 'success' AND EXISTS (SELECT 1 FROM t_entrance e WHERE e.id = o.id_entrance AND NOT e.is_deleted))
              OR (o.outcome = 'duplicate' AND EXISTS (SELECT 1 FROM t_entrance_duplicate d WHERE d.id_job_batch = o.id_job_batch AND d.line = o.line)))`,
        [secondId],
      );
      assert.equal(kept, 300, `no row was lost (${JSON.stringify(second.result?.summary)})`);
    }
  });
});
