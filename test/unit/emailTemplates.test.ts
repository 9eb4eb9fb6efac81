import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  interpolate,
  LOCALE_BY_LANGUAGE,
  LOCALES,
  LOCALES_DIR,
  localeFor,
  renderCompletionEmail,
} from '../../api/lib/notifications/emailTemplates';

const load = (locale: string): Record<string, string> =>
  JSON.parse(readFileSync(path.join(LOCALES_DIR, `${locale}.json`), 'utf8'));
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

const input = {
  nickname: 'Éva <b>',
  status: 'completed' as const,
  totalRows: 2000,
  startedAt: new Date('2026-11-28T10:00:00Z'),
  summary: { successes: 1700, duplicates: 300, failures: 0 },
  reportUrls: {
    success: 'https://x.example/s.csv?a=1&b=2',
    duplicates: 'https://x.example/d.csv',
    failures: null,
  },
  statusUrl: 'https://api.example/api/v1/jobs/1',
};

describe('CSVImportQueueService: completion email', () => {
  it('has a locale file for each of the 15 languages, each with every key and the same placeholders', () => {
    assert.deepEqual([...LOCALES].sort(), [
      'ar',
      'bg',
      'ca',
      'de',
      'el',
      'en',
      'es',
      'fr',
      'he',
      'id',
      'it',
      'ja',
      'nl',
      'pt',
      'ro',
    ]);
    const english = load('en');
    for (const locale of LOCALES) {
      const phrases = load(locale);
      assert.deepEqual(Object.keys(phrases).sort(), Object.keys(english).sort(), `${locale} keys`);
      for (const [key, text] of Object.entries(english)) {
        assert.deepEqual(placeholders(phrases[key]), placeholders(text), `${locale} ${key} placeholders`);
        assert.ok(phrases[key].trim().length > 0, `${locale} ${key} is empty`);
      }
      if (locale !== 'en') {
        const copied = Object.keys(english).filter((key) => phrases[key] === english[key]);
        assert.ok(copied.length <= 1, `${locale} copies English for ${copied.join(', ')}`);
      }
    }
  });

  it('chooses the locale from the ISO 639-3 language, English otherwise', () => {
    assert.equal(localeFor('fra'), 'fr');
    assert.equal(localeFor('JPN'), 'ja');
    assert.equal(localeFor('kor'), 'en');
    assert.equal(localeFor(null), 'en');
    assert.equal(Object.keys(LOCALE_BY_LANGUAGE).length, 15);
  });

  it('renders counts, links and their 7-day expiry; the HTML escapes and the text keeps URLs whole', () => {
    const email = renderCompletionEmail({ ...input, locale: 'en' });
    assert.equal(email.subject, 'Grottocenter: your CSV import is complete');
    assert.match(email.text, /Hello Éva <b>,/);
    assert.match(email.text, /Entrances imported: 1700/);
    assert.match(email.text, /Duplicates recorded: 300/);
    assert.match(email.text, /Rows that failed: 0/);
    assert.match(email.text, /https:\/\/x\.example\/s\.csv\?a=1&b=2/);
    assert.doesNotMatch(email.text, /Failed rows \(CSV\)/, 'no link for an empty report');
    assert.match(email.text, /These links expire in 7 days\./);
    assert.match(email.html, /Éva &lt;b&gt;/);
    assert.match(email.html, /href="https:\/\/x\.example\/s\.csv\?a=1&amp;b=2"/);
  });

  it('says that a failed batch failed, and why', () => {
    const email = renderCompletionEmail({
      ...input,
      locale: 'de',
      status: 'failed',
      error: 'storage unreachable',
      reportUrls: { success: null, duplicates: null, failures: null },
    });
    const de = load('de');
    assert.equal(email.subject, de['csvImport.subject.failed']);
    assert.ok(
      email.text.includes(interpolate(de['csvImport.failedReason'], { error: 'storage unreachable' })),
    );
    assert.ok(email.text.includes(de['csvImport.noReports']));
  });

  it('says that a cancelled batch was cancelled, and how to finish it', () => {
    for (const locale of LOCALES) {
      const email = renderCompletionEmail({ ...input, locale, status: 'cancelled' });
      const phrases = load(locale);
      assert.equal(email.subject, phrases['csvImport.subject.cancelled'], locale);
      const literal = phrases['csvImport.cancelledIntro']
        .split(/\{\{\s*\w+\s*\}\}/)
        .reduce((longest, part) => (part.length > longest.length ? part : longest), '');
      assert.ok(literal.length > 20 && email.text.includes(literal), locale);
      assert.notEqual(email.subject, phrases['csvImport.subject.completed'], locale);
    }
  });

  it('writes Hebrew and Arabic right to left', () => {
    for (const locale of ['he', 'ar']) {
      assert.match(
        renderCompletionEmail({ ...input, locale }).html,
        new RegExp(`lang="${locale}" dir="rtl"`),
      );
    }
  });
});
