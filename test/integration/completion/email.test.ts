import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCALES_DIR } from '../../../api/lib/notifications/emailTemplates';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type Inbox, startSmtpServer } from '../../support/smtp';
import { type TestUser, useTestService } from '../../support/testService';

describe('Batch completion: email over SMTP in the initiator language', () => {
  let inbox: Inbox;
  before(async () => {
    inbox = await startSmtpServer();
  });
  const suite = useTestService(() => ({
    settings: { mail: { smtpUrl: inbox.url, from: 'Grottocenter <no-reply@example.org>' } },
  }));
  after(() => inbox.stop());

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
      const user = await suite.app.createUser({ group: 'Administrator', language });
      users.push(user);
      await importAndWait(suite.app, user, [
        entranceRow(),
        entranceRow(),
        entranceRow({ 'gn:countryCode': 'ZZ' }),
      ]);
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
