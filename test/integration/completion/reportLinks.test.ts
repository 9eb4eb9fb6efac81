import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { JobStatus } from '../../../api/lib/http/views/jobStatus';
import type { ReportStorage } from '../../../api/lib/storage';
import { LocalReportStorage } from '../../../api/lib/storage/localStorage';
import { importAndWait } from '../../support/imports';
import { download, mixedRows } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import { silentMailer, TEST_SALT, type TestUser, useTestService } from '../../support/testService';

const DAY_MS = 24 * 3600_000;

/** The local disk, whose uploads fail while `down` is set: an outage the test can end. */
class FlakyStorage implements ReportStorage {
  down = false;
  readonly description: string;
  constructor(private readonly local: ReportStorage) {
    this.description = local.description;
  }
  async upload(blobName: string, content: Readable, contentType: string): Promise<void> {
    if (this.down) {
      content.destroy();
      throw new Error('connect ECONNREFUSED 127.0.0.1:10000');
    }
    await this.local.upload(blobName, content, contentType);
  }
  linkTo(blobName: string) {
    return this.local.linkTo(blobName);
  }
  checkLink(filePath: string, query: URLSearchParams) {
    return this.local.checkLink!(filePath, query);
  }
}

describe('Batch completion: report links signed on every read, and reports rebuilt', () => {
  const uploads = mkdtempSync(path.join(os.tmpdir(), 'cave-import-links-'));
  const mailer = silentMailer();
  let storage: FlakyStorage;
  const suite = useTestService(() => {
    return {
      wrapStorage: (local) => {
        storage = new FlakyStorage(local);
        return storage;
      },
      mailer,
      env: { LOG_LEVEL: 'silent' },
      settings: {
        storage: { localDir: uploads },
        queue: { aggregateRetryLimit: 0, aggregateRetryDelaySeconds: 1 },
      },
    };
  });
  let status: JobStatus;

  before(async () => {
    status = await importAndWait(suite.app, suite.admin, mixedRows());
  });

  const read = async (batchId: string, user: TestUser = suite.admin): Promise<JobStatus> => {
    const res = await suite.app
      .http()
      .get(`/api/v1/jobs/${batchId}`)
      .set('Authorization', `Bearer ${user.token}`);
    assert.equal(res.status, 200);
    return res.body;
  };
  const expiresOf = (link: string) => Number(new URL(link).searchParams.get('expires')) * 1000;

  it('signs each report link when the job is read, valid 7 days from that read', async () => {
    const before = Date.now();
    const job = await read(status.batchId);
    for (const kind of ['success', 'duplicates', 'failures'] as const) {
      const link = job.result!.reportUrls[kind]!;
      assert.ok(Math.abs(expiresOf(link) - before - 7 * DAY_MS) < 60_000, `${kind}: ${link}`);
      const report = await download(link);
      assert.equal(report.status, 200, kind);
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await read(status.batchId);
    assert.ok(
      expiresOf(later.result!.reportUrls.success!) > expiresOf(job.result!.reportUrls.success!),
      'a later read gives a later expiry',
    );
    const listed = await suite.app
      .http()
      .get('/api/v1/jobs')
      .set('Authorization', `Bearer ${suite.admin.token}`);
    const item = (listed.body.items as JobStatus[]).find((one) => one.batchId === status.batchId);
    assert.match(
      item!.result!.reportUrls.success!,
      /\?expires=\d+&signature=[\w-]{43}$/,
      'the list signs them too',
    );
  });

  it('refuses a local link without a valid, unexpired signature', async () => {
    const link = new URL((await read(status.batchId)).result!.reportUrls.success!);
    const signature = link.searchParams.get('signature')!;
    const tampered = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const other = link.pathname.replace('success.csv', 'failures.csv');
    const cases: [string, string, RegExp][] = [
      ['no signature', `${link.origin}${link.pathname}`, /not valid/],
      [
        'altered signature',
        `${link.origin}${link.pathname}?expires=${link.searchParams.get('expires')}&signature=${tampered}`,
        /not valid/,
      ],
      [
        'later expiry',
        `${link.origin}${link.pathname}?expires=${Number(link.searchParams.get('expires')) + 1}&signature=${signature}`,
        /not valid/,
      ],
      ['another file', `${link.origin}${other}${link.search}`, /not valid/],
    ];
    const expired = new LocalReportStorage(uploads, 'documents', suite.app.url, TEST_SALT, -1);
    cases.push([
      'expired',
      await expired.linkTo(`csv-import-reports/${status.batchId}/success.csv`),
      /has expired/,
    ]);
    const foreign = new LocalReportStorage(uploads, 'documents', suite.app.url, 'another-salt', 7);
    cases.push([
      'signed with another key',
      await foreign.linkTo(`csv-import-reports/${status.batchId}/success.csv`),
      /not valid/,
    ]);
    // A signature says which file: dot segments or a partial file get nothing more.
    for (const trick of [
      link.pathname.replace('/success.csv', '/../success.csv'),
      `${link.pathname}.partial`,
    ]) {
      const res = await fetch(`${link.origin}${trick}${link.search}`);
      assert.ok([403, 404].includes(res.status), `${trick}: ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    }
    const head = await fetch(link, { method: 'HEAD' });
    assert.equal(head.status, 200, 'HEAD of a signed link');
    for (const [what, url, message] of cases) {
      const res = await fetch(url);
      assert.equal(res.status, 403, what);
      const body = (await res.json()) as { message: string };
      assert.match(body.message, message, what);
      assert.match(body.message, /Open the import again for a fresh link/, what);
    }
  });

  it('rebuilds the reports of a batch whose report step failed, and ends it completed', async () => {
    storage.down = true;
    const failed = await importAndWait(suite.app, suite.admin, [
      entranceRow(),
      entranceRow({ 'gn:countryCode': 'ZZ' }),
    ]);
    storage.down = false;
    assert.equal(failed.status, 'failed');
    assert.match(failed.result!.error!, /reports could not be stored/);
    const aboutIt = () => mailer.sent.filter((email) => email.text.includes(failed.batchId));
    await mailer.waitFor(2);
    assert.match(aboutIt()[0].subject, /failed/);

    const moderator = await suite.app.createUser({ group: 'Moderator' });
    const forbidden = await suite.app
      .http()
      .post(`/api/v1/jobs/${failed.batchId}/reports`)
      .set('Authorization', `Bearer ${moderator.token}`);
    assert.equal(forbidden.status, 403);
    const anonymous = await suite.app.http().post(`/api/v1/jobs/${failed.batchId}/reports`);
    assert.equal(anonymous.status, 401);
    for (const id of [randomUUID(), 'not-a-batch']) {
      const missing = await suite.app
        .http()
        .post(`/api/v1/jobs/${id}/reports`)
        .set('Authorization', `Bearer ${suite.admin.token}`);
      assert.equal(missing.status, 404, id);
    }

    const res = await suite.app
      .http()
      .post(`/api/v1/jobs/${failed.batchId}/reports`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.status, 'aggregating');
    const done = await suite.app.waitForBatch(failed.batchId, suite.admin.token);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.result?.summary, { successes: 1, duplicates: 0, failures: 1 });
    assert.equal(done.result?.error, undefined);
    const failures = await download(done.result!.reportUrls.failures!);
    assert.equal(failures.status, 200);
    assert.equal(failures.rows.length, 2);
    await mailer.waitFor(3);
    assert.equal(aboutIt().length, 2);
    assert.match(aboutIt()[1].subject, /complete/, 'the initiator is told the reports exist');
    assert.match(aboutIt()[1].text, /failures\.csv\?expires=\d+&signature=/, 'with signed links');

    const again = await suite.app
      .http()
      .post(`/api/v1/jobs/${failed.batchId}/reports`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(again.status, 409);
    assert.equal(
      again.body.message,
      'Only an import whose reports could not be written can have them rebuilt; this one is completed.',
    );
  });

  it('does not rebuild the reports of a batch reverted since', async () => {
    storage.down = true;
    const failed = await importAndWait(suite.app, suite.admin, [entranceRow()]);
    storage.down = false;
    assert.equal(failed.status, 'failed');
    const reverted = await suite.app
      .http()
      .post(`/api/v1/jobs/${failed.batchId}/revert`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(reverted.status, 200, reverted.text);
    const res = await suite.app
      .http()
      .post(`/api/v1/jobs/${failed.batchId}/reports`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(res.status, 409);
    assert.equal(
      res.body.message,
      `This import was reverted on ${reverted.body.revertedAt}: its reports cannot be rebuilt.`,
    );
  });
});
