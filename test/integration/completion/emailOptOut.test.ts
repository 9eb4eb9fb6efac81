import assert from 'node:assert/strict';
import { signToken } from '../../../api/lib/auth/tokens';
import { QUEUES } from '../../../api/lib/core/types';
import { createMailer } from '../../../api/lib/notifications/mailer';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type Inbox, startSmtpServer } from '../../support/smtp';
import { TEST_SALT, type TestService, type TestUser, useTestService } from '../../support/testService';

const PREFERENCE = '/api/v1/account/notifications';

/** Resolves once every completion email job of the batch has run (sent or not). */
async function emailStepDone(app: TestService, batchId: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await app.jobsOf(QUEUES.email, batchId);
    if (jobs.total > 0 && jobs.live === 0) return;
    if (Date.now() > deadline)
      throw new Error(`the email step of ${batchId} did not run: ${JSON.stringify(jobs)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function preferenceClient(app: TestService, user: TestUser) {
  return {
    get: () => app.http().get(PREFERENCE).set('Authorization', `Bearer ${user.token}`),
    patch: (body: unknown) =>
      app
        .http()
        .patch(PREFERENCE)
        .set('Authorization', `Bearer ${user.token}`)
        .send(body as object),
  };
}

describe('Batch completion: email opt-out over SMTP', () => {
  let inbox: Inbox;
  before(async () => {
    inbox = await startSmtpServer();
  });
  const suite = useTestService(() => ({
    settings: { mail: { smtpUrl: inbox.url, from: 'Grottocenter <no-reply@example.org>' } },
  }));
  after(() => inbox.stop());

  const stored = async (user: TestUser) =>
    (await suite.app.query('SELECT send_notification_by_email FROM t_caver WHERE id = $1', [user.id]))[0]
      .send_notification_by_email as boolean;

  it('reads and changes the preference of the signed-in user; 400 unless a boolean, 401 without a token, 404 for a user that is gone', async () => {
    const user = await suite.app.createUser();
    const bystander = await suite.app.createUser();
    const mine = preferenceClient(suite.app, user);

    const initial = await mine.get();
    assert.equal(initial.status, 200);
    assert.deepEqual(initial.body, { send_notification_by_email: true }, 'on by default');

    const off = await mine.patch({ send_notification_by_email: false });
    assert.equal(off.status, 200);
    assert.deepEqual(off.body, { send_notification_by_email: false });
    assert.deepEqual((await mine.get()).body, { send_notification_by_email: false });
    assert.equal(await stored(user), false);
    assert.equal(await stored(bystander), true, "another user's preference is untouched");

    const message =
      'Request body must be { "send_notification_by_email": true } or { "send_notification_by_email": false }.';
    for (const body of [
      { send_notification_by_email: 'true' },
      { send_notification_by_email: 1 },
      { send_notification_by_email: null },
      { sendNotificationByEmail: true },
      {},
      [true],
    ]) {
      const res = await mine.patch(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.body, { message }, JSON.stringify(body));
    }
    const notJson = await suite.app
      .http()
      .patch(PREFERENCE)
      .set('Authorization', `Bearer ${user.token}`)
      .set('Content-Type', 'application/json')
      .send('{"send_notification_by_email":');
    assert.equal(notJson.status, 400);
    assert.deepEqual(notJson.body, { message: 'Request body is not valid JSON.' });
    const huge = await mine.patch({ send_notification_by_email: true, note: 'x'.repeat(1_100_000) });
    assert.equal(huge.status, 413);
    assert.equal(await stored(user), false, 'no bad request changed it');

    const on = await mine.patch({ send_notification_by_email: true });
    assert.deepEqual([on.status, on.body], [200, { send_notification_by_email: true }]);
    assert.equal(await stored(user), true);

    const anonymous = [
      await suite.app.http().get(PREFERENCE),
      await suite.app.http().patch(PREFERENCE).send({ send_notification_by_email: false }),
    ];
    for (const res of anonymous) {
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { message: 'Missing Authorization header.' });
    }

    // A token that is still valid for a user who no longer exists.
    const ghost = { id: 987_654, email: 'ghost@example.org', password: '', token: '' };
    ghost.token = signToken(
      { id: ghost.id, nickname: 'ghost', groups: [{ id: 3, name: 'User' }] },
      TEST_SALT,
      300,
    );
    const theirs = preferenceClient(suite.app, ghost);
    for (const res of [await theirs.get(), await theirs.patch({ send_notification_by_email: false })]) {
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { message: 'Caver with id 987654 not found.' });
    }
  });

  it('answers 415 and changes nothing for a preference sent in another type than JSON', async () => {
    const user = await suite.app.createUser();
    const res = await suite.app
      .http()
      .patch(PREFERENCE)
      .set('Authorization', `Bearer ${user.token}`)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ send_notification_by_email: false }));
    assert.equal(res.status, 415);
    assert.deepEqual(res.body, {
      message: 'Send the request body as JSON (Content-Type: application/json).',
    });
    assert.equal(await stored(user), true, 'still on');
  });

  it('sends no completion email to a user who opted out, yet records their notification; turned back on, emails resume', async () => {
    const quiet = await suite.app.createUser({ group: 'Administrator' });
    const keen = await suite.app.createUser({ group: 'Administrator' });
    assert.equal(
      (await preferenceClient(suite.app, quiet).patch({ send_notification_by_email: false })).status,
      200,
    );
    const before = inbox.messages.length;
    const to = (user: TestUser) => inbox.messages.filter((m) => JSON.stringify(m.to).includes(user.email));

    const quietBatch = await importAndWait(suite.app, quiet, [
      entranceRow(),
      entranceRow({ 'gn:countryCode': 'ZZ' }),
    ]);
    const keenBatch = await importAndWait(suite.app, keen, [entranceRow()]);
    await inbox.waitFor(before + 1);
    await emailStepDone(suite.app, quietBatch.batchId);
    await emailStepDone(suite.app, keenBatch.batchId);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a stray email, if any, would land now
    assert.equal(to(keen).length, 1, 'the other user is emailed');
    assert.equal(to(quiet).length, 0, 'no email to the user who opted out');
    assert.equal(inbox.messages.length, before + 1);

    // The in-app notification is there all the same.
    const list = await suite.app
      .http()
      .get('/api/v1/notifications')
      .set('Authorization', `Bearer ${quiet.token}`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.notifications.map((n: { notificationType: { name: string }; jobBatch: { id: string } }) => [
        n.notificationType.name,
        n.jobBatch.id,
      ]),
      [['IMPORT_COMPLETE', quietBatch.batchId]],
    );
    const count = await suite.app
      .http()
      .get('/api/v1/notifications/unread/count')
      .set('Authorization', `Bearer ${quiet.token}`);
    assert.deepEqual(count.body, { count: 1 });

    assert.equal(
      (await preferenceClient(suite.app, quiet).patch({ send_notification_by_email: true })).status,
      200,
    );
    const again = await importAndWait(suite.app, quiet, [entranceRow()]);
    await inbox.waitFor(before + 2);
    await emailStepDone(suite.app, again.batchId);
    assert.equal(to(quiet).length, 1, 'emails resume once turned back on');
  });
});

describe('Batch completion: email opt-out with the console mailer', () => {
  const suite = useTestService(() => ({
    mailer: createMailer({ smtpUrl: undefined, from: 'Grottocenter <no-reply@example.org>' }),
  }));

  /** What the process prints while `work` runs, kept from the test's own output. */
  async function printedDuring(work: () => Promise<void>): Promise<string> {
    const printed: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await work();
    } finally {
      process.stdout.write = write;
    }
    return printed.join('');
  }

  it('says so when it skips the email of a user who opted out, and prints the email of one who did not', async () => {
    const quiet = await suite.app.createUser({ group: 'Administrator', nickname: 'Quiet Caver' });
    const keen = await suite.app.createUser({ group: 'Administrator' });
    assert.equal(
      (await preferenceClient(suite.app, quiet).patch({ send_notification_by_email: false })).status,
      200,
    );

    const output = await printedDuring(async () => {
      const quietBatch = await importAndWait(suite.app, quiet, [entranceRow()]);
      const keenBatch = await importAndWait(suite.app, keen, [entranceRow()]);
      await emailStepDone(suite.app, quietBatch.batchId);
      await emailStepDone(suite.app, keenBatch.batchId);
    });
    assert.ok(
      output.includes(`Email to ${quiet.email} not sent: Quiet Caver turned notification emails off.`),
      'the skip is printed',
    );
    assert.ok(!output.includes(`To:      ${quiet.email}`), 'no email printed for the user who opted out');
    assert.ok(output.includes(`To:      ${keen.email}`), 'the other email is printed as usual');
  });
});
