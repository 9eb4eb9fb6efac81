import assert from 'node:assert/strict';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type TestUser, useTestService } from '../../support/testService';

describe('Job features: GET /api/v1/jobs and /api/v1/jobs/:batchId', () => {
  const suite = useTestService();
  let owner: TestUser;
  let otherAdmin: TestUser;
  let moderator: TestUser;
  let user: TestUser;
  let batchId: string;

  before(async () => {
    owner = suite.admin;
    otherAdmin = await suite.app.createUser({ group: 'Administrator' });
    moderator = await suite.app.createUser({ group: 'Moderator' });
    user = await suite.app.createUser({ group: 'User' });
    batchId = (await importAndWait(suite.app, owner, [entranceRow(), entranceRow()])).batchId;
  });

  const get = (path: string, token?: string) => {
    const req = suite.app.http().get(path);
    if (token) req.set('Authorization', `Bearer ${token}`);
    return req;
  };

  it('shows a batch to its initiator, moderators and administrators only', async () => {
    const matrix: [string, string | undefined, number][] = [
      ['initiator', owner.token, 200],
      ['another administrator', otherAdmin.token, 200],
      ['moderator', moderator.token, 200],
      ['another user', user.token, 403],
      ['no token', undefined, 401],
    ];
    for (const [who, token, status] of matrix) {
      const res = await get(`/api/v1/jobs/${batchId}`, token);
      assert.equal(res.status, status, who);
      if (status === 403) assert.deepEqual(res.body, { message: 'You are not authorized to view this job.' });
      if (status === 200) assert.equal(res.body.batchId, batchId, who);
    }
  });

  it('answers the SPEC shape for a completed batch', async () => {
    const res = await get(`/api/v1/jobs/${batchId}`, owner.token);
    assert.deepEqual(Object.keys(res.body).sort(), [
      'batchId',
      'cancelledAt',
      'cancelledBy',
      'completedAt',
      'createdAt',
      'progress',
      'result',
      'revertedAt',
      'revertedBy',
      'status',
      'type',
    ]);
    assert.equal(res.body.type, 'csv-import');
    assert.equal(res.body.status, 'completed');
    assert.deepEqual(res.body.progress, {
      totalChunks: 1,
      completedChunks: 1,
      totalRows: 2,
      processedRows: 2,
      successes: 2,
      duplicates: 0,
      failures: 0,
    });
    assert.deepEqual(res.body.result.summary, { successes: 2, duplicates: 0, failures: 0 });
    assert.match(res.body.result.reportUrls.success, /^http:\/\/127\.0\.0\.1:\d+\/local-uploads\//);
    assert.equal(res.body.result.reportUrls.duplicates, null);
    assert.equal(res.body.result.reportUrls.failures, null);
    assert.equal(new Date(res.body.createdAt).toISOString(), res.body.createdAt);
  });

  it('answers 404 for an unknown or malformed batch id, whoever asks', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '1']) {
      for (const token of [owner.token, user.token]) {
        const res = await get(`/api/v1/jobs/${id}`, token);
        assert.equal(res.status, 404, id);
        assert.deepEqual(res.body, { message: 'Job batch not found.' });
      }
    }
  });

  it("lists the caller's own batches newest first, with pagination", async () => {
    const second = (await importAndWait(suite.app, owner, [entranceRow()])).batchId;
    const third = (await importAndWait(suite.app, owner, [entranceRow()])).batchId;
    await importAndWait(suite.app, otherAdmin, [entranceRow()]);

    const all = await get('/api/v1/jobs', owner.token);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.items.map((item: { batchId: string }) => item.batchId),
      [third, second, batchId],
    );
    assert.deepEqual([all.body.total, all.body.limit, all.body.offset], [3, 20, 0]);

    const page = await get('/api/v1/jobs?limit=1&offset=1', owner.token);
    assert.deepEqual(
      page.body.items.map((item: { batchId: string }) => item.batchId),
      [second],
    );
    assert.equal(page.body.total, 3);

    const none = await get('/api/v1/jobs', user.token);
    assert.deepEqual([none.body.items, none.body.total], [[], 0]);
  });

  it('lists every batch for moderators and administrators with ?all=true, and refuses it to others', async () => {
    for (const who of [moderator, otherAdmin]) {
      const res = await get('/api/v1/jobs?all=true', who.token);
      assert.equal(res.status, 200);
      assert.equal(res.body.total, 4);
    }
    const refused = await get('/api/v1/jobs?all=true', user.token);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { message: 'You are not authorized to view all jobs.' });
  });

  it('answers 400 for bad pagination or flags, 401 without a token', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'all=maybe']) {
      const res = await get(`/api/v1/jobs?${query}`, owner.token);
      assert.equal(res.status, 400, query);
      assert.ok(res.body.message, query);
    }
    assert.equal((await get('/api/v1/jobs')).status, 401);
  });
});
