/** What the notification endpoint suites (test/integration/completion/notifications*.test.ts) share. */
import { importAndWait } from './imports';
import { entranceRow } from './rows';
import { type TestUser, useTestService } from './testService';

/**
 * The service of one notifications suite (useTestService) and, before its first test, three
 * batches of the administrator's (one notification each), one of another user's, and 55 notifications
 * of other kinds for a busy user. Read `state` inside hooks and tests.
 */
export function useNotificationsService() {
  const suite = useTestService();
  const state = {} as {
    other: TestUser;
    /** A user with many notifications, written straight to the table: more than one page of 50. */
    busy: TestUser;
    batchIds: string[];
    otherBatchId: string;
  };

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
    const other = await suite.app.createUser({ group: 'User' });
    const busy = await suite.app.createUser({ group: 'User' });
    const batchIds: string[] = [];
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
    const otherBatchId = (await importAndWait(suite.app, suite.admin, [entranceRow()])).batchId;
    // That last batch is the other user's: the notification is theirs, as if they had imported it.
    await suite.app.query(
      'UPDATE t_notification SET id_notifier = $1, id_notified = $1 WHERE id_job_batch = $2',
      [other.id, otherBatchId],
    );
    // 55 notifications of other kinds, a minute apart, the newest about an imported entrance and its cave.
    const [imported] = await suite.app.query(
      'SELECT id_entrance, id_cave FROM t_job_batch_outcome WHERE id_job_batch = $1 AND outcome = $2',
      [batchIds[0], 'success'],
    );
    await suite.app.query(
      `INSERT INTO t_notification (id_notification_type, id_notifier, id_notified, date_inscription, id_entrance, id_cave)
       SELECT 1 + g % 7, $2, $1, now() - make_interval(mins => g),
              CASE WHEN g = 1 THEN $3::int END, CASE WHEN g = 1 THEN $4::int END
         FROM generate_series(1, 55) AS g`,
      [busy.id, suite.admin.id, imported.id_entrance, imported.id_cave],
    );
    Object.assign(state, { other, busy, batchIds, otherBatchId });
  });

  const as = (user: TestUser) => ({
    get: (path: string) => suite.app.http().get(path).set('Authorization', `Bearer ${user.token}`),
    post: (path: string) => suite.app.http().post(path).set('Authorization', `Bearer ${user.token}`),
    put: (path: string, body?: unknown) => {
      const request = suite.app.http().put(path).set('Authorization', `Bearer ${user.token}`);
      return body === undefined ? request : request.send(body as object);
    },
  });

  return { suite, state, nicknameOf, notificationIdsOf, readTimes, markAllUnread, as };
}
