import assert from 'node:assert/strict';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type TestUser, useTestService } from '../../support/testService';

describe('Batch completion: notifications endpoints', () => {
  const suite = useTestService();
  let other: TestUser;
  let batchIds: string[];

  before(async () => {
    other = await suite.app.createUser({ group: 'Administrator' });
    batchIds = [];
    for (let i = 0; i < 3; i++) {
      batchIds.push((await importAndWait(suite.app, suite.admin, [entranceRow()])).batchId);
    }
  });

  const as = (user: TestUser) => ({
    get: (path: string) => suite.app.http().get(path).set('Authorization', `Bearer ${user.token}`),
    patch: (path: string, body: object) =>
      suite.app.http().patch(path).set('Authorization', `Bearer ${user.token}`).send(body),
  });

  it("lists the caller's notifications newest first, paginated, with the unread count", async () => {
    const res = await as(suite.admin).get('/api/v1/notifications?limit=2');
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.total, res.body.unread, res.body.limit, res.body.offset], [3, 3, 2, 0]);
    assert.deepEqual(
      res.body.items.map((n: { batchId: string }) => n.batchId),
      [batchIds[2], batchIds[1]],
    );
    const [first] = res.body.items;
    assert.deepEqual(Object.keys(first).sort(), [
      'batchId',
      'createdAt',
      'id',
      'notifiedId',
      'notifierId',
      'readAt',
      'type',
      'typeId',
    ]);
    assert.deepEqual(
      [first.type, first.typeId, first.readAt, first.notifierId, first.notifiedId],
      ['IMPORT_COMPLETE', 8, null, suite.admin.id, suite.admin.id],
    );
    const none = await as(other).get('/api/v1/notifications');
    assert.deepEqual([none.body.items, none.body.total], [[], 0]);
    const offset = await as(suite.admin).get('/api/v1/notifications?limit=2&offset=2');
    assert.deepEqual(
      offset.body.items.map((n: { batchId: string }) => n.batchId),
      [batchIds[0]],
    );
    const bad = await as(suite.admin).get('/api/v1/notifications?limit=500');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { message: 'limit must be an integer between 1 and 100.' });
  });

  it('marks a notification read and unread; others get 404, bad input 400', async () => {
    const { body } = await as(suite.admin).get('/api/v1/notifications');
    const id = body.items[0].id;
    const read = await as(suite.admin).patch(`/api/v1/notifications/${id}`, { read: true });
    assert.equal(read.status, 200);
    assert.ok(read.body.readAt);
    const again = await as(suite.admin).patch(`/api/v1/notifications/${id}`, { read: true });
    assert.equal(again.body.readAt, read.body.readAt, 'the first read time is kept');
    assert.equal((await as(suite.admin).get('/api/v1/notifications')).body.unread, 2);
    const unread = await as(suite.admin).patch(`/api/v1/notifications/${id}`, { read: false });
    assert.equal(unread.body.readAt, null);

    const foreign = await as(other).patch(`/api/v1/notifications/${id}`, { read: true });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { message: 'Notification not found.' });
    assert.equal((await as(suite.admin).patch('/api/v1/notifications/999999', { read: true })).status, 404);
    assert.equal((await as(suite.admin).patch(`/api/v1/notifications/${id}`, { read: 'yes' })).status, 400);
    assert.equal((await as(suite.admin).patch(`/api/v1/notifications/${id}`, {})).status, 400);
    assert.equal((await as(suite.admin).patch('/api/v1/notifications/abc', { read: true })).status, 400);
    const huge = await as(suite.admin).patch(`/api/v1/notifications/${id}`, {
      read: true,
      note: 'x'.repeat(1_100_000),
    });
    assert.equal(huge.status, 413);
    assert.equal((await suite.app.http().get('/api/v1/notifications')).status, 401);
    assert.equal(
      (await suite.app.http().patch(`/api/v1/notifications/${id}`).send({ read: true })).status,
      401,
    );
  });
});
