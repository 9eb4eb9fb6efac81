import assert from 'node:assert/strict';
import { useNotificationsService } from '../../support/notifications';
import type { TestUser } from '../../support/testService';

/** Grottocenter's notification endpoints (SPEC 12.3), through HTTP against the real database. */
describe('Batch completion: notifications endpoints', () => {
  const { suite, state, nicknameOf, notificationIdsOf, as } = useNotificationsService();
  let other: TestUser;
  let busy: TestUser;
  let batchIds: string[];
  let otherBatchId: string;
  before(() => {
    ({ other, busy, batchIds, otherBatchId } = state);
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
});
