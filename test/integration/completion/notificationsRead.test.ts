import assert from 'node:assert/strict';
import { useNotificationsService } from '../../support/notifications';
import type { TestUser } from '../../support/testService';

/** Grottocenter's notification endpoints (SPEC 12.3), through HTTP against the real database. */
describe('Batch completion: notifications endpoints', () => {
  const { suite, state, notificationIdsOf, readTimes, markAllUnread, as } = useNotificationsService();
  let other: TestUser;
  before(() => {
    ({ other } = state);
  });

  it('counts the unread notifications of the caller', async () => {
    await markAllUnread(suite.admin);
    const res = await as(suite.admin).get('/api/v1/notifications/unread/count');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { count: 3 });
    assert.deepEqual((await as(other).get('/api/v1/notifications/unread/count')).body, { count: 1 });
    const [id] = await notificationIdsOf(suite.admin);
    await as(suite.admin).post(`/api/v1/notifications/${id}/read`);
    assert.deepEqual((await as(suite.admin).get('/api/v1/notifications/unread/count')).body, { count: 2 });
  });

  it("marks one read (204) and keeps the first read time; 403 for another's, 404 for an unknown or malformed id", async () => {
    await markAllUnread(suite.admin);
    const [id, second] = await notificationIdsOf(suite.admin);
    const res = await as(suite.admin).post(`/api/v1/notifications/${id}/read`);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    const [readAt] = await readTimes([id]);
    assert.ok(readAt, 'read');
    const listed = (await as(suite.admin).get('/api/v1/notifications')).body.notifications.find(
      (n: { id: number }) => n.id === id,
    );
    assert.equal(listed.dateReadAt, readAt.toISOString());

    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await as(suite.admin).post(`/api/v1/notifications/${id}/read`)).status, 204);
    assert.deepEqual(await readTimes([id]), [readAt], 'the first read time is kept');

    const foreign = await as(other).post(`/api/v1/notifications/${second}/read`);
    assert.equal(foreign.status, 403);
    assert.deepEqual(foreign.body, {
      message: "You can not mark as read a notification which doesn't belong to you.",
    });
    assert.deepEqual(await readTimes([second]), [null], 'still unread');

    for (const bad of ['999999', 'abc', '0', '-1', '1.5', '99999999999', '2147483648']) {
      const missing = await as(suite.admin).post(`/api/v1/notifications/${bad}/read`);
      assert.equal(missing.status, 404, bad);
      assert.deepEqual(missing.body, { message: `Notification with id ${bad} not found.` }, bad);
    }
    assert.deepEqual((await as(suite.admin).get('/api/v1/notifications/unread/count')).body, { count: 2 });
  });

  it('marks several read (PUT), or every unread one without ids; a bad, unknown or foreign id changes nothing', async () => {
    await markAllUnread(suite.admin);
    await markAllUnread(other);
    const [a, b, c] = await notificationIdsOf(suite.admin);
    const [theirs] = await notificationIdsOf(other);
    const unread = async (user: TestUser) =>
      (await as(user).get('/api/v1/notifications/unread/count')).body.count as number;

    const badBodies: [unknown, string][] = [
      [{ ids: 'all' }, 'ids must be an array of positive integers.'],
      [{ ids: [a, String(b)] }, 'ids must be an array of positive integers.'],
      [{ ids: [0] }, 'ids must be an array of positive integers.'],
      [{ ids: [-a] }, 'ids must be an array of positive integers.'],
      [{ ids: [1.5] }, 'ids must be an array of positive integers.'],
      [{ ids: [a, null] }, 'ids must be an array of positive integers.'],
      [{ ids: [2 ** 53] }, 'ids must be an array of positive integers.'],
      [
        { ids: Array.from({ length: 1001 }, (_, i) => i + 1) },
        'ids array exceeds the maximum allowed length of 1000.',
      ],
      [[a, b], 'Request body must be an object such as { "ids": [1, 2] }.'],
    ];
    for (const [body, message] of badBodies) {
      const res = await as(suite.admin).put('/api/v1/notifications/read', body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
      assert.deepEqual(res.body, { message });
    }
    assert.equal(await unread(suite.admin), 3, 'nothing changed');

    const foreign = await as(suite.admin).put('/api/v1/notifications/read', { ids: [a, theirs] });
    assert.equal(foreign.status, 403);
    assert.deepEqual(foreign.body, {
      message: 'You cannot mark as read notifications that do not belong to you.',
    });
    const unknown = await as(suite.admin).put('/api/v1/notifications/read', { ids: [a, 99_999_999_999] });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { message: 'Notification with id 99999999999 not found.' });
    assert.deepEqual([await unread(suite.admin), await unread(other)], [3, 1], 'nothing changed');

    // Repeated ids count once, as in Grottocenter: 1,500 copies of one id are one id.
    const repeated = await as(suite.admin).put('/api/v1/notifications/read', { ids: Array(1500).fill(a) });
    assert.equal(repeated.status, 204);
    assert.equal(repeated.text, '');
    const [aReadAt] = await readTimes([a]);
    assert.ok(aReadAt);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await as(suite.admin).put('/api/v1/notifications/read', { ids: [a, b] })).status, 204);
    const [aAgain, bRead, cRead] = await readTimes([a, b, c]);
    assert.deepEqual(aAgain, aReadAt, 'the first read time is kept');
    assert.ok(bRead);
    assert.equal(cRead, null, 'only the listed ones');

    // Without ids (no body, an empty object, null or an empty list): every unread one of the caller.
    for (const body of [undefined, {}, { ids: null }, { ids: [] }]) {
      await markAllUnread(suite.admin);
      const all = await as(suite.admin).put('/api/v1/notifications/read', body);
      assert.equal(all.status, 204, JSON.stringify(body));
      assert.equal(await unread(suite.admin), 0, JSON.stringify(body));
    }
    assert.equal(await unread(other), 1, "another user's notifications are not touched");

    const huge = await as(suite.admin).put('/api/v1/notifications/read', {
      ids: [a],
      note: 'x'.repeat(1_100_000),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.message, 'Request body is larger than the 1mb limit.');
  });

  it('marks nothing read for ids sent in another type than JSON (415) or under another name (400)', async () => {
    await markAllUnread(suite.admin);
    const [a, b] = await notificationIdsOf(suite.admin);
    const unread = async () =>
      (await as(suite.admin).get('/api/v1/notifications/unread/count')).body.count as number;
    assert.equal(await unread(), 3);

    // Read as no body at all, either would mean "every unread one".
    for (const [type, body] of [
      ['text/plain', JSON.stringify({ ids: [a] })],
      ['application/x-www-form-urlencoded', `ids=${a}`],
    ]) {
      const res = await as(suite.admin)
        .put('/api/v1/notifications/read')
        .set('Content-Type', type)
        .send(body);
      assert.equal(res.status, 415, type);
      assert.deepEqual(
        res.body,
        { message: 'Send the request body as JSON (Content-Type: application/json).' },
        type,
      );
      assert.equal(await unread(), 3, `nothing marked read (${type})`);
    }

    for (const body of [{ idz: [a] }, { ids: [a], idz: [b] }]) {
      const res = await as(suite.admin).put('/api/v1/notifications/read', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.body, { message: 'Request body may only hold "ids"; "idz" is not read.' });
      assert.equal(await unread(), 3, `nothing marked read (${JSON.stringify(body)})`);
    }

    // An empty object and no body at all still mean every unread one.
    for (const body of [{}, undefined]) {
      await markAllUnread(suite.admin);
      assert.equal((await as(suite.admin).put('/api/v1/notifications/read', body)).status, 204);
      assert.equal(await unread(), 0, JSON.stringify(body));
    }
  });

  it('answers 401 without a token on every notification endpoint', async () => {
    const [id] = await notificationIdsOf(suite.admin);
    const anonymous = suite.app.http();
    const responses = [
      await anonymous.get('/api/v1/notifications'),
      await anonymous.get('/api/v1/notifications/unread/count'),
      await anonymous.post(`/api/v1/notifications/${id}/read`),
      await anonymous.put('/api/v1/notifications/read').send({ ids: [id] }),
    ];
    for (const res of responses) {
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { message: 'Missing Authorization header.' });
    }
    assert.equal((await as(suite.admin).get('/api/v1/notifications/unread/count')).body.count, 0);
  });
});
