import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { QUEUES } from '../../api/lib/core/types';
import type { JobStatus } from '../../api/lib/http/views/jobStatus';
import { LOCALES_DIR } from '../../api/lib/notifications/emailTemplates';
import { type Azurite, startAzurite } from '../support/azurite';
import { freePort } from '../support/database';
import { importAndWait, outcomesOf } from '../support/imports';
import { entranceRow } from '../support/rows';
import { type Inbox, startSmtpServer } from '../support/smtp';
import { silentMailer, startTestService, type TestService, type TestUser } from '../support/testService';

async function download(
  url: string,
): Promise<{ status: number; type: string | null; rows: string[][]; text: string }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), rows: res.ok ? parse(text) : [], text };
}

/** A batch with every outcome: 3 successes, 1 duplicate, 2 failures, one of them formula-like. */
function mixedRows() {
  const first = entranceRow({ 'rdfs:label': '=HYPERLINK("http://evil.example","click")' });
  return [
    first,
    entranceRow({ 'w3geo:altitude': '-12', 'rdfs:label': '-2+3' }),
    { ...first },
    entranceRow({ 'gn:countryCode': 'ZZ', 'gn:alternateName': '@SUM(A1)', extra: 'kept' }),
    entranceRow({ 'w3geo:latitude': '-95.5' }),
    entranceRow({ 'rdfs:label': 'Grotte «Sud»' }),
  ];
}

describe('Batch completion: reports on local disk', () => {
  let app: TestService;
  let admin: TestUser;
  let status: JobStatus;
  let rows: Record<string, string>[];

  before(async () => {
    app = await startTestService();
    admin = await app.createUser({ group: 'Administrator' });
    rows = mixedRows();
    status = await importAndWait(app, admin, rows);
  });
  after(async () => {
    await app.stop();
  });

  it('completes with absolute report URLs under /local-uploads/ mirroring the container layout', () => {
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 3, duplicates: 1, failures: 2 });
    for (const kind of ['success', 'duplicates', 'failures'] as const) {
      assert.equal(
        status.result?.reportUrls[kind],
        `${app.url}/local-uploads/documents/csv-import-reports/${status.batchId}/${kind}.csv`,
      );
    }
  });

  it('serves success.csv as text/csv, rows in line order matching the database', async () => {
    const report = await download(status.result!.reportUrls.success!);
    assert.equal(report.status, 200);
    assert.match(report.type ?? '', /^text\/csv/);
    const outcomes = (await outcomesOf(app, status.batchId)).filter((o) => o.outcome === 'success');
    assert.deepEqual(report.rows[0], ['line', 'caveId', 'entranceId', 'latitude', 'longitude', 'name']);
    assert.deepEqual(
      report.rows.slice(1).map((r) => [Number(r[0]), Number(r[1]), Number(r[2])]),
      outcomes.map((o) => [o.line, o.id_cave, o.id_entrance]),
    );
    // Formula-like cells are neutralised; a plain negative number is not.
    assert.equal(report.rows[1][5], '\'=HYPERLINK("http://evil.example","click")');
    assert.equal(report.rows[2][5], "'-2+3");
    assert.equal(report.rows[3][5], 'Grotte «Sud»');
  });

  it('writes duplicates.csv and failures.csv, the latter with every original column', async () => {
    const duplicates = await download(status.result!.reportUrls.duplicates!);
    assert.deepEqual(duplicates.rows[0], ['line', 'id', 'attributionName', 'entranceId', 'message']);
    const [outcome] = (await outcomesOf(app, status.batchId)).filter((o) => o.outcome === 'duplicate');
    const id = rows[2].id;
    assert.deepEqual(duplicates.rows.slice(1), [
      [
        '4',
        id,
        'Test Caving Club',
        String(outcome.id_entrance),
        `Entrance with id ${id} has been created as an entrance duplicate.`,
      ],
    ]);

    const failures = await download(status.result!.reportUrls.failures!);
    const header = failures.rows[0];
    assert.deepEqual(header.slice(0, 3), ['line', 'message', 'id']);
    assert.ok(header.includes('extra'), 'a column only a later row has is kept');
    assert.ok(header.includes('gn:alternateName'));
    const byColumn = (row: string[]) => Object.fromEntries(header.map((column, i) => [column, row[i]]));
    const [countryRow, latitudeRow] = failures.rows.slice(1).map(byColumn);
    assert.equal(countryRow.line, '5');
    assert.equal(countryRow.message, 'Unknown country code: ZZ');
    assert.equal(countryRow['gn:countryCode'], 'ZZ');
    assert.equal(countryRow['gn:alternateName'], "'@SUM(A1)");
    assert.equal(countryRow.extra, 'kept');
    assert.equal(latitudeRow.message, 'Invalid latitude: -95.5');
    assert.equal(latitudeRow['w3geo:latitude'], '-95.5', 'a plain negative number is left alone');
  });

  it('writes no file for an empty report and gives a null URL', async () => {
    const clean = await importAndWait(app, admin, [entranceRow()]);
    assert.deepEqual(clean.result?.reportUrls.duplicates, null);
    assert.deepEqual(clean.result?.reportUrls.failures, null);
    const missing = await fetch(
      `${app.url}/local-uploads/documents/csv-import-reports/${clean.batchId}/failures.csv`,
    );
    assert.equal(missing.status, 404);
  });

  it('serves local uploads read-only, without listings or escapes from the folder', async () => {
    const base = `${app.url}/local-uploads`;
    const attempts = [
      `${base}/documents/`,
      `${base}/documents/csv-import-reports/${status.batchId}/`,
      `${base}/../package.json`,
      `${base}/%2e%2e/package.json`,
      `${base}/documents/%2e%2e%2f%2e%2e%2fpackage.json`,
      `${base}/..%2fpackage.json`,
    ];
    for (const url of attempts) {
      const res = await fetch(url);
      assert.ok(res.status === 404 || res.status === 403, `${url} answered ${res.status}`);
      assert.doesNotMatch(await res.text(), /cave-import-service/, url);
    }
    const post = await fetch(status.result!.reportUrls.success!, { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('records exactly one IMPORT_COMPLETE notification, which the database keeps single', async () => {
    const { rows } = await app.service.pool.query(
      'SELECT id_notification_type, id_notifier, id_notified FROM t_notification WHERE id_job_batch = $1',
      [status.batchId],
    );
    assert.deepEqual(rows, [{ id_notification_type: 8, id_notifier: admin.id, id_notified: admin.id }]);
    await assert.rejects(
      app.service.pool.query(
        'INSERT INTO t_notification (id_notification_type, id_notifier, id_notified, id_job_batch) VALUES (8, $1, $1, $2)',
        [admin.id, status.batchId],
      ),
      /t_notification_batch_type_key/,
    );
  });
});

describe('Batch completion: notifications endpoints', () => {
  let app: TestService;
  let admin: TestUser;
  let other: TestUser;
  let batchIds: string[];

  before(async () => {
    app = await startTestService();
    admin = await app.createUser({ group: 'Administrator' });
    other = await app.createUser({ group: 'Administrator' });
    batchIds = [];
    for (let i = 0; i < 3; i++) batchIds.push((await importAndWait(app, admin, [entranceRow()])).batchId);
  });
  after(async () => {
    await app.stop();
  });

  const as = (user: TestUser) => ({
    get: (path: string) => app.http().get(path).set('Authorization', `Bearer ${user.token}`),
    patch: (path: string, body: object) =>
      app.http().patch(path).set('Authorization', `Bearer ${user.token}`).send(body),
  });

  it("lists the caller's notifications newest first, paginated, with the unread count", async () => {
    const res = await as(admin).get('/api/v1/notifications?limit=2');
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
      ['IMPORT_COMPLETE', 8, null, admin.id, admin.id],
    );
    const none = await as(other).get('/api/v1/notifications');
    assert.deepEqual([none.body.items, none.body.total], [[], 0]);
    const offset = await as(admin).get('/api/v1/notifications?limit=2&offset=2');
    assert.deepEqual(
      offset.body.items.map((n: { batchId: string }) => n.batchId),
      [batchIds[0]],
    );
    const bad = await as(admin).get('/api/v1/notifications?limit=500');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { message: 'limit must be an integer between 1 and 100.' });
  });

  it('marks a notification read and unread; others get 404, bad input 400', async () => {
    const { body } = await as(admin).get('/api/v1/notifications');
    const id = body.items[0].id;
    const read = await as(admin).patch(`/api/v1/notifications/${id}`, { read: true });
    assert.equal(read.status, 200);
    assert.ok(read.body.readAt);
    const again = await as(admin).patch(`/api/v1/notifications/${id}`, { read: true });
    assert.equal(again.body.readAt, read.body.readAt, 'the first read time is kept');
    assert.equal((await as(admin).get('/api/v1/notifications')).body.unread, 2);
    const unread = await as(admin).patch(`/api/v1/notifications/${id}`, { read: false });
    assert.equal(unread.body.readAt, null);

    const foreign = await as(other).patch(`/api/v1/notifications/${id}`, { read: true });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { message: 'Notification not found.' });
    assert.equal((await as(admin).patch('/api/v1/notifications/999999', { read: true })).status, 404);
    assert.equal((await as(admin).patch(`/api/v1/notifications/${id}`, { read: 'yes' })).status, 400);
    assert.equal((await as(admin).patch(`/api/v1/notifications/${id}`, {})).status, 400);
    assert.equal((await as(admin).patch('/api/v1/notifications/abc', { read: true })).status, 400);
    const huge = await as(admin).patch(`/api/v1/notifications/${id}`, {
      read: true,
      note: 'x'.repeat(1_100_000),
    });
    assert.equal(huge.status, 413);
    assert.equal((await app.http().get('/api/v1/notifications')).status, 401);
    assert.equal((await app.http().patch(`/api/v1/notifications/${id}`).send({ read: true })).status, 401);
  });
});

describe('Batch completion: email over SMTP in the initiator language', () => {
  let app: TestService;
  let inbox: Inbox;

  before(async () => {
    inbox = await startSmtpServer();
    app = await startTestService({
      settings: { mail: { smtpUrl: inbox.url, from: 'Grottocenter <no-reply@example.org>' } },
    });
  });
  after(async () => {
    await app.stop();
    await inbox.stop();
  });

  /** The expected strings come from the locale files themselves: English is the fallback. */
  const cases = [
    { language: 'eng', locale: 'en' },
    { language: 'fra', locale: 'fr' },
    { language: 'jpn', locale: 'ja' },
    { language: 'ara', locale: 'ar' },
    { language: 'kor', locale: 'en' },
  ];
  const phrases = (locale: string): Record<string, string> =>
    JSON.parse(readFileSync(path.join(LOCALES_DIR, `${locale}.json`), 'utf8'));

  it('sends one email per batch, in en, fr, ja and ar (English for other languages), with counts and links', async () => {
    const sentBefore = inbox.messages.length;
    const users: TestUser[] = [];
    for (const { language } of cases) {
      const user = await app.createUser({ group: 'Administrator', language });
      users.push(user);
      await importAndWait(app, user, [entranceRow(), entranceRow(), entranceRow({ 'gn:countryCode': 'ZZ' })]);
    }
    await inbox.waitFor(sentBefore + cases.length);
    // Let a stray second email, if any, arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(inbox.messages.length, sentBefore + cases.length, 'one email per batch');

    cases.forEach(({ language, locale }, i) => {
      const mail = inbox.messages.find((m) => JSON.stringify(m.to).includes(users[i].email));
      assert.ok(mail, `email for ${language}`);
      const t = phrases(locale);
      assert.equal(mail.subject, t['csvImport.subject.completed'], `${language} subject`);
      const text = mail.text ?? '';
      for (const [key, count] of [
        ['csvImport.successes', 2],
        ['csvImport.duplicates', 0],
        ['csvImport.failures', 1],
      ] as const) {
        assert.ok(text.includes(t[key].replace('{{count}}', String(count))), `${language}: ${key}`);
      }
      assert.ok(text.includes(t['csvImport.linksExpire']), `${language}: links expire in 7 days`);
      assert.match(
        text,
        /\/local-uploads\/documents\/csv-import-reports\/[0-9a-f-]+\/success\.csv/,
        `${language} link`,
      );
      assert.match(text, /failures\.csv/);
      assert.doesNotMatch(text, /duplicates\.csv/, 'no link for an empty report');
      assert.match(String(mail.html), locale === 'ar' ? /dir="rtl"/ : /dir="ltr"/);
    });
    const translated = new Set(
      cases.slice(0, 4).map(({ locale }) => phrases(locale)['csvImport.subject.completed']),
    );
    assert.equal(translated.size, 4, 'en, fr, ja and ar subjects are real translations, not copies');
  });
});

describe('Batch completion: reports on Azure Blob Storage (Azurite)', () => {
  let azurite: Azurite;
  let app: TestService;
  let admin: TestUser;

  before(async function () {
    this.timeout(60_000);
    azurite = await startAzurite();
    app = await startTestService({
      settings: { storage: { azureConnectionString: azurite.connectionString, container: 'documents' } },
    });
    admin = await app.createUser({ group: 'Administrator' });
  });
  after(async () => {
    await app.stop();
    await azurite.stop();
  });

  it('uploads the reports to a private container and links them with read-only SAS URLs valid 7 days', async () => {
    const started = Date.now();
    const status = await importAndWait(app, admin, mixedRows());
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 3, duplicates: 1, failures: 2 });

    for (const kind of ['success', 'duplicates', 'failures'] as const) {
      const url: URL = new URL(status.result!.reportUrls[kind]!);
      assert.equal(
        `${url.origin}${url.pathname}`,
        `${azurite.blobEndpoint}/documents/csv-import-reports/${status.batchId}/${kind}.csv`,
      );
      assert.equal(url.searchParams.get('sp'), 'r', 'read-only');
      const expires = Date.parse(url.searchParams.get('se')!);
      const sevenDays = 7 * 24 * 3600_000;
      assert.ok(
        Math.abs(expires - started - sevenDays) < 5 * 60_000,
        `expires ${new Date(expires).toISOString()}`,
      );

      const report = await download(url.toString());
      assert.equal(report.status, 200, report.text);
      assert.match(report.type ?? '', /^text\/csv/);
      const anonymous = await fetch(`${url.origin}${url.pathname}`);
      assert.ok(
        anonymous.status === 403 || anonymous.status === 404,
        `anonymous read answered ${anonymous.status}`,
      );
    }

    const success = await download(status.result!.reportUrls.success!);
    const outcomes = (await outcomesOf(app, status.batchId)).filter((o) => o.outcome === 'success');
    assert.deepEqual(
      success.rows.slice(1).map((r) => Number(r[2])),
      outcomes.map((o) => o.id_entrance),
    );
    const failures = await download(status.result!.reportUrls.failures!);
    assert.equal(failures.rows.length, 3);
  });
});

describe('Batch completion: storage outage', () => {
  it('ends the batch failed with an actionable error, keeps the summary and still notifies', async () => {
    const deadPort = await freePort(); // nothing listens there: every upload is refused
    const mailer = silentMailer();
    const app = await startTestService({
      mailer,
      env: { LOG_LEVEL: 'silent' },
      settings: {
        storage: {
          azureAccountName: 'devstoreaccount1',
          azureKey: Buffer.from('not-a-real-key').toString('base64'),
          azureBlobEndpoint: `http://127.0.0.1:${deadPort}/devstoreaccount1`,
        },
        queue: { aggregateRetryLimit: 1, aggregateRetryDelaySeconds: 1 },
      },
    });
    try {
      const admin = await app.createUser({ group: 'Administrator' });
      const status = await importAndWait(app, admin, [
        entranceRow(),
        entranceRow({ 'gn:countryCode': 'ZZ' }),
      ]);
      assert.equal(status.status, 'failed');
      assert.deepEqual(status.result?.summary, { successes: 1, duplicates: 0, failures: 1 });
      assert.deepEqual(status.result?.reportUrls, { success: null, duplicates: null, failures: null });
      assert.match(status.result?.error ?? '', /reports could not be stored after 2 attempts/);
      assert.match(status.result?.error ?? '', /Check the report storage \(azure:documents\)/);
      assert.ok(status.completedAt);
      const { rows } = await app.service.pool.query(
        'SELECT count(*)::int AS n FROM t_notification WHERE id_job_batch = $1',
        [status.batchId],
      );
      assert.equal(rows[0].n, 1);
      await mailer.waitFor(1);
      assert.equal(mailer.sent.length, 1);
      assert.match(mailer.sent[0].subject, /failed/);
      assert.match(mailer.sent[0].text, /could not be stored/);
    } finally {
      await app.stop();
    }
  });
});

describe('Batch completion: concurrent completion checks', () => {
  it('aggregate once: one notification and one email, however many checks race', async () => {
    const mailer = silentMailer();
    const app = await startTestService({ mailer });
    try {
      const admin = await app.createUser({ group: 'Administrator' });
      const status = await importAndWait(app, admin, [entranceRow()]);
      await mailer.waitFor(1);
      assert.equal(mailer.sent.length, 1);

      // Rewind the batch to "every chunk done, not yet aggregated" and fire 12 checks at once.
      await app.service.pool.query(
        "UPDATE t_job_batch SET status = 'active', result = NULL, completed_at = NULL WHERE id = $1",
        [status.batchId],
      );
      await app.service.pool.query('DELETE FROM t_notification WHERE id_job_batch = $1', [status.batchId]);
      await app.service.boss.insert(
        QUEUES.completionCheck,
        Array.from({ length: 12 }, () => ({ data: { batchId: status.batchId } })),
      );
      const final = await app.waitForBatch(status.batchId, admin.token);
      assert.equal(final.status, 'completed');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const { rows } = await app.service.pool.query(
        'SELECT count(*)::int AS n FROM t_notification WHERE id_job_batch = $1',
        [status.batchId],
      );
      assert.equal(rows[0].n, 1, 'one notification');
      assert.equal(mailer.sent.length, 2, 'one more email for the one more completion');
      const [{ aggregations }] = (
        await app.service.pool.query(
          "SELECT count(*)::int AS aggregations FROM pgboss.job WHERE name = $1 AND data->>'batchId' = $2",
          [QUEUES.aggregate, status.batchId],
        )
      ).rows;
      assert.equal(aggregations, 2, 'the first run and exactly one winner of the race');
    } finally {
      await app.stop();
    }
  });
});
