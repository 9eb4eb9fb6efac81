import assert from 'node:assert/strict';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type TestUser, useTestService } from '../../support/testService';

/** Grottocenter's notification endpoints (SPEC 12.3), through HTTP against the real database. */
describe('Batch completion: notifications endpoints', () => {
  const suite = useTestService();
  let other: TestUser;
  /** A user with many notifications, written straight to the table: more than one page of 50. */
  let busy: TestUser;
  let batchIds: string[];
  let otherBatchId: string;

  const nicknameOf = async (user: TestUser) =>
    (await suite.app.query('SELECT nickname FROM t_caver WHERE id = $1', [user.id]))[0].nickname as string;
  const notificationIdsOf = async (user: TestUser): Promise<number[]> =>
    (
      await suite.app.query('SELECT id FROM t_notification WHERE id_notified = $1 ORDER BY id', [user.id])
    ).map((row) => row.id as number);
  const readTimes = async (ids: number[]): Promise<(Date | null)[]> =>
    (
      await suite.app.query('SELECT date_read_at FROM t_notification WHERE id = ANY($1::int[]) ORDER BY id', [
        ids,
      ])
    ).map((row) => row.date_read_at as Date | null);
  const markAllUnread = (user: TestUser) =>
    suite.app.query('UPDATE t_notification SET date_read_at = NULL WHERE id_notified = $1', [user.id]);

  before(async () => {
    other = await suite.app.createUser({ group: 'User' });
    busy = await suite.app.createUser({ group: 'User' });
    batchIds = [];
    for (let i = 0; i < 3; i++) {
      batchIds.push(
        (
          await importAndWait(suite.app, suite.admin, [
            entranceRow(),
            entranceRow({ 'gn:countryCode': 'ZZ' }),
          ])
        ).batchId,
      );
    }
    otherBatchId = (await importAndWait(suite.app, suite.admin, [entranceRow()])).batchId;
    // That last batch is the other user's: the notification is theirs, as if they had imported it.
    await suite.app.query(
      'UPDATE t_notification SET id_notifier = $1, id_notified = $1 WHERE id_job_batch = $2',
      [other.id, otherBatchId],
    );
    // 55 notifications of other kinds, a minute apart, the newest about an imported entrance and its cave.
    const [imported] = await suite.app.query(
      'SELECT id_entrance, id_cave FROM t_job_batch_row WHERE id_job_batch = $1 AND outcome = $2',
      [batchIds[0], 'success'],
    );
    await suite.app.query(
      `INSERT INTO t_notification (id_notification_type, id_notifier, id_notified, date_inscription, id_entrance, id_cave)
       SELECT 1 + g % 7, $2, $1, now() - make_interval(mins => g),
              CASE WHEN g = 1 THEN $3::int END, CASE WHEN g = 1 THEN $4::int END
         FROM generate_series(1, 55) AS g`,
      [busy.id, suite.admin.id, imported.id_entrance, imported.id_cave],
    );
  });

  const as = (user: TestUser) => ({
    get: (path: string) => suite.app.http().get(path).set('Authorization', `Bearer ${user.token}`),
    post: (path: string) => suite.app.http().post(path).set('Authorization', `Bearer ${user.token}`),
    put: (path: string, body?: unknown) => {
      const request = suite.app.http().put(path).set('Authorization', `Bearer ${user.token}`);
      return body === undefined ? request : request.send(body as object);
    },
  });

  it("lists the caller's notifications newest first, in Grottocenter's shape, with the job batch of IMPORT_COMPLETE", async () => {
    const res = await as(suite.admin).get('/api/v1/notifications');
    assert.equal(res.status, 200, 'one page holds the three');
    assert.equal(res.headers['content-range'], undefined);
    assert.deepEqual(Object.keys(res.body), ['notifications']);
    const { notifications } = res.body;
    assert.deepEqual(
      notifications.map((n: { jobBatch: { id: string } }) => n.jobBatch.id),
      [batchIds[2], batchIds[1], batchIds[0]],
    );
    const nickname = await nicknameOf(suite.admin);
    const [first] = notifications;
    assert.equal(typeof first.id, 'number');
    assert.ok(!Number.isNaN(Date.parse(first.dateInscription)));
    assert.deepEqual(
      { ...first, id: 0, dateInscription: '' },
      {
        id: 0,
        dateInscription: '',
        dateReadAt: null,
        notificationType: { id: 8, name: 'IMPORT_COMPLETE' },
        notifier: { id: suite.admin.id, nickname },
        notified: { id: suite.admin.id, nickname },
        cave: null,
        entrance: null,
        comment: null,
        description: null,
        document: null,
        location: null,
        massif: null,
        organization: null,
        rigging: null,
        history: null,
        jobBatch: {
          id: batchIds[2],
          status: 'completed',
          summary: { successes: 1, duplicates: 0, failures: 1 },
        },
      },
    );

    const theirs = await as(other).get('/api/v1/notifications');
    assert.deepEqual(
      theirs.body.notifications.map((n: { jobBatch: { id: string } }) => n.jobBatch.id),
      [otherBatchId],
      "only the caller's own",
    );

    // Other kinds carry no batch; an entrance or cave they name comes with its main name.
    const { body } = await as(busy).get('/api/v1/notifications?limit=1');
    const [newest] = body.notifications;
    assert.equal(newest.jobBatch, null);
    assert.equal(newest.notifier.id, suite.admin.id);
    assert.deepEqual(newest.notificationType, { id: 2, name: 'UPDATE' });
    assert.equal(typeof newest.entrance.id, 'number');
    assert.equal(typeof newest.entrance.name, 'string');
    assert.equal(typeof newest.cave.id, 'number');
    assert.equal(typeof newest.cave.name, 'string');
  });

  it('pages with limit and skip: 206 and Content-Range while the page does not hold them all, at most 50', async () => {
    const first = await as(suite.admin).get('/api/v1/notifications?limit=2');
    assert.equal(first.status, 206);
    assert.equal(first.headers['content-range'], '0-1/3');
    assert.match(first.headers['access-control-expose-headers'], /Content-Range/);
    assert.deepEqual(
      first.body.notifications.map((n: { jobBatch: { id: string } }) => n.jobBatch.id),
      [batchIds[2], batchIds[1]],
    );
    const last = await as(suite.admin).get('/api/v1/notifications?limit=2&skip=2');
    assert.equal(last.status, 206);
    assert.equal(last.headers['content-range'], '2-2/3');
    assert.deepEqual(
      last.body.notifications.map((n: { jobBatch: { id: string } }) => n.jobBatch.id),
      [batchIds[0]],
    );
    const beyond = await as(suite.admin).get('/api/v1/notifications?skip=10');
    assert.equal(beyond.status, 206);
    assert.equal(beyond.headers['content-range'], '*/3');
    assert.deepEqual(beyond.body.notifications, []);
    const whole = await as(suite.admin).get('/api/v1/notifications?limit=3');
    assert.equal(whole.status, 200);
    assert.equal(whole.body.notifications.length, 3);

    // 55 notifications: 50 by default, and a larger limit is lowered to 50, as Grottocenter does.
    for (const path of ['/api/v1/notifications', '/api/v1/notifications?limit=500']) {
      const res = await as(busy).get(path);
      assert.equal(res.status, 206, path);
      assert.equal(res.headers['content-range'], '0-49/55', path);
      assert.equal(res.body.notifications.length, 50, path);
    }
    const tail = await as(busy).get('/api/v1/notifications?skip=50');
    assert.equal(tail.headers['content-range'], '50-54/55');
    assert.equal(tail.body.notifications.length, 5);

    const none = await as(await suite.app.createUser()).get('/api/v1/notifications');
    assert.equal(none.status, 200);
    assert.deepEqual(none.body, { notifications: [] });
  });

  it('sorts by sortBy and orderBy; anything else is a 400 that says what is accepted, never SQL', async () => {
    const ids = async (query: string) => {
      const res = await as(busy).get(`/api/v1/notifications?limit=50&${query}`);
      assert.ok([200, 206].includes(res.status), `${query}: ${res.status} ${res.text}`);
      return res.body.notifications.map((n: { id: number }) => n.id) as number[];
    };
    const all = await notificationIdsOf(busy); // id order = oldest last (inserted newest first)
    const newestFirst = await ids('');
    assert.deepEqual(newestFirst, all.slice(0, 50));
    const oldestFirst = await ids('orderBy=asc');
    assert.deepEqual(oldestFirst, [...all].reverse().slice(0, 50));
    assert.deepEqual(await ids('sortBy=dateInscription&orderBy=ASC'), oldestFirst);
    assert.deepEqual(await ids('sortBy=id&orderBy=DESC'), [...all].reverse().slice(0, 50));
    assert.deepEqual(await ids('sortBy=id&orderBy=ASC'), all.slice(0, 50));
    const byType = (await as(busy).get('/api/v1/notifications?sortBy=notificationType&orderBy=ASC&limit=50'))
      .body.notifications;
    const typeIds = byType.map((n: { notificationType: { id: number } }) => n.notificationType.id);
    assert.deepEqual(
      typeIds,
      [...typeIds].sort((a, b) => a - b),
    );

    // Read two: sorted by dateReadAt ascending, the read ones come first (unread, null, last).
    await as(busy).post(`/api/v1/notifications/${all[10]}/read`);
    await as(busy).post(`/api/v1/notifications/${all[20]}/read`);
    const byRead = await ids('sortBy=dateReadAt&orderBy=ASC');
    assert.deepEqual(byRead.slice(0, 2), [all[10], all[20]]);

    const bad: [string, string][] = [
      [
        'sortBy=date_inscription',
        'sortBy must be one of: dateInscription, dateReadAt, id, notificationType.',
      ],
      [
        `sortBy=${encodeURIComponent('id; DROP TABLE t_notification; --')}`,
        'sortBy must be one of: dateInscription, dateReadAt, id, notificationType.',
      ],
      ['orderBy=sideways', 'orderBy must be ASC or DESC.'],
      [`orderBy=${encodeURIComponent('ASC, (SELECT pg_sleep(5))')}`, 'orderBy must be ASC or DESC.'],
      ['limit=0', 'limit must be a positive integer.'],
      ['limit=ten', 'limit must be a positive integer.'],
      ['limit=1&limit=2', 'limit must be a positive integer.'],
      ['skip=-1', 'skip must be a non-negative integer.'],
      ['skip=1e3', 'skip must be a non-negative integer.'],
    ];
    for (const [query, message] of bad) {
      const res = await as(busy).get(`/api/v1/notifications?${query}`);
      assert.equal(res.status, 400, query);
      assert.deepEqual(res.body, { message }, query);
    }
    assert.equal((await notificationIdsOf(busy)).length, 55, 'the table is still there');
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
