import assert from 'node:assert/strict';
import { QUEUES } from '../../../api/lib/core/types';
import { createMailer } from '../../../api/lib/notifications/mailer';
import { recoverStalledBatches } from '../../../api/lib/pipeline/recoverBatches';
import { sendCompletionEmail } from '../../../api/lib/pipeline/sendCompletionEmail';
import { createReportStorage } from '../../../api/lib/storage';
import { until } from '../../support/cluster';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type Inbox, startSmtpServer } from '../../support/smtp';
import { TEST_SALT, type TestUser, useTestService } from '../../support/testService';

describe('Faults: an SMTP server down past the email retries, and a slow one', () => {
  let inbox: Inbox;
  before(async () => {
    inbox = await startSmtpServer();
  });
  // A retry window of seconds instead of a day: one retry, one second apart, then the dead letter.
  const suite = useTestService(() => ({
    settings: { mail: { smtpUrl: inbox.url } },
    env: { EMAIL_RETRY_LIMIT: '1', EMAIL_RETRY_DELAY: '1', RECOVERY_GRACE: '0', LOG_LEVEL: 'silent' },
  }));
  after(() => inbox.stop());

  /** The sweep the recovery cron runs every minute, run now. */
  const sweep = () =>
    recoverStalledBatches({
      db: suite.app.service.pool,
      queue: suite.app.service.queue,
      queueSchema: suite.app.settings.queue.schema,
      graceSeconds: suite.app.settings.queue.recoveryGraceSeconds,
    });
  const emailState = async (batchId: string) =>
    (await suite.app.query('SELECT email_state FROM t_job_batch WHERE id = $1', [batchId]))[0].email_state;
  const mailsTo = (user: TestUser) => inbox.messages.filter((m) => JSON.stringify(m.to).includes(user.email));

  it('sends exactly one email once the server is back, after the retries gave up', async function () {
    this.timeout(120_000);
    const user = await suite.app.createUser({ group: 'Administrator' });
    await inbox.down();
    const status = await importAndWait(suite.app, user, [entranceRow(), entranceRow()]);
    assert.equal(status.status, 'completed');

    // Both attempts are refused, the job goes to its dead letter, and nothing is left to send it.
    await until(
      async () => {
        const email = await suite.app.jobsOf(QUEUES.email, status.batchId);
        const dead = await suite.app.jobsOf(QUEUES.emailDead, status.batchId);
        return email.total > 0 && email.live === 0 && dead.total > 0 && dead.live === 0;
      },
      60_000,
      'the email job exhausts its retries and is dead-lettered',
    );
    const attempts = await suite.app.jobsOf(QUEUES.email, status.batchId);
    assert.ok(attempts.retried >= 1, 'the email job used its retry (EMAIL_RETRY_LIMIT=1)');
    assert.equal(await emailState(status.batchId), null, 'not sent, and no claim left behind');
    assert.equal(mailsTo(user).length, 0);

    await inbox.up();
    const swept = await sweep();
    console.log(`      recovery sweep after the outage: ${JSON.stringify(swept)}`);
    await until(async () => mailsTo(user).length > 0, 30_000, 'the email arrives');
    await until(
      async () => (await emailState(status.batchId)) === 'sent',
      10_000,
      'the email is recorded as sent',
    );

    // Later sweeps (the cron's, every minute) and a wait: no second email.
    const again = await sweep();
    assert.equal(again.emails, 0, 'a sent email is not swept again');
    await new Promise((resolve) => setTimeout(resolve, 8000));
    assert.equal((await sweep()).emails, 0);
    assert.equal(mailsTo(user).length, 1, 'exactly one email');
    assert.equal((await suite.app.jobsOf(QUEUES.email, status.batchId)).live, 0);
  });

  it('sends exactly one email through a server that answers DATA after 20 s', async function () {
    this.timeout(120_000);
    const user = await suite.app.createUser({ group: 'Administrator' });
    // Longer than the heartbeat and the supervisor's period (15 s each), shorter than the mailer's
    // 60 s socket timeout: the attempt is slow, not dead, and nothing may start a second one.
    inbox.delayAnswers(20_000);
    try {
      const status = await importAndWait(suite.app, user, [entranceRow()]);
      await until(async () => mailsTo(user).length > 0, 30_000, 'the server receives the email');
      const receivedAt = Date.now();
      // While the server sits on its answer, the sweep finds the email claimed and leaves it alone.
      assert.equal(await emailState(status.batchId), 'sending');
      assert.equal((await sweep()).emails, 0, 'a claimed email is not swept');
      await until(
        async () => (await emailState(status.batchId)) === 'sent',
        60_000,
        'the email is recorded as sent',
      );
      console.log(
        `      slow server: DATA answered, email recorded as sent ${((Date.now() - receivedAt) / 1000).toFixed(1)} s after its data arrived`,
      );
      const email = await suite.app.jobsOf(QUEUES.email, status.batchId);
      assert.deepEqual(email, { total: 1, retried: 0, live: 0 }, 'one attempt, never retried');
      await new Promise((resolve) => setTimeout(resolve, 5000));
      assert.equal((await sweep()).emails, 0);
      assert.equal(mailsTo(user).length, 1, 'exactly one email');
    } finally {
      inbox.delayAnswers(0);
    }
  });

  it('keeps its claim fresh while a slow server holds the attempt, so a retry past the staleness sends nothing', async function () {
    this.timeout(60_000);
    const user = await suite.app.createUser({ group: 'Administrator' });
    const status = await importAndWait(suite.app, user, [entranceRow()]);
    await until(async () => (await emailState(status.batchId)) === 'sent', 20_000, 'the first email');
    // The email to send again, through a server that sits 4 s on each answer, with a claim stale
    // after 1 s unless refreshed every 200 ms: a second attempt 2 s in must find it taken.
    await suite.app.query('UPDATE t_job_batch SET email_state = NULL WHERE id = $1', [status.batchId]);
    inbox.delayAnswers(4000);
    try {
      const deps = {
        db: suite.app.service.pool,
        mailer: createMailer({ smtpUrl: inbox.url, from: 'test@example.org' }),
        storage: createReportStorage(suite.app.settings, TEST_SALT),
        jobUrl: (batchId: string) => `${suite.app.url}/api/v1/jobs/${batchId}`,
        claim: { staleSeconds: 1, refreshMs: 200 },
      };
      const first = sendCompletionEmail(deps, status.batchId);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal(await sendCompletionEmail(deps, status.batchId), 'already');
      assert.equal(await first, 'sent');
      assert.equal(mailsTo(user).length, 2, 'the first email, then exactly one more');
    } finally {
      inbox.delayAnswers(0);
    }
  });
});
