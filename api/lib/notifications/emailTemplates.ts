/**
 * The completion email in the initiator's language (SPEC 9): subject, plain text and HTML, from the
 * translations in config/locales. Languages without a translation fall back to English.
 */
import path from 'node:path';
import { I18n } from 'i18n';
import type { FinalStatus, OutcomeCounts, ReportUrls } from '../core/types';

/** Interface locales by the ISO 639-3 code of t_caver.id_language. */
export const LOCALE_BY_LANGUAGE: Readonly<Record<string, string>> = Object.freeze({
  ara: 'ar',
  bul: 'bg',
  cat: 'ca',
  deu: 'de',
  ell: 'el',
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  heb: 'he',
  ind: 'id',
  ita: 'it',
  jpn: 'ja',
  nld: 'nl',
  por: 'pt',
  ron: 'ro',
});

export const LOCALES = Object.freeze(Object.values(LOCALE_BY_LANGUAGE));
const RIGHT_TO_LEFT = new Set(['ar', 'he']);
export const LOCALES_DIR = path.resolve(__dirname, '../../../config/locales');

const i18n = new I18n({
  locales: [...LOCALES],
  defaultLocale: 'en',
  directory: LOCALES_DIR,
  updateFiles: false,
  syncFiles: false,
  objectNotation: false,
  // Placeholders are filled by interpolate(), never by i18n's mustache.
  mustacheConfig: { tags: ['{{', '}}'], disable: true },
  retryInDefaultLocale: true,
  autoReload: false,
});

export function localeFor(languageId: string | null | undefined): string {
  return (languageId && LOCALE_BY_LANGUAGE[languageId.trim().toLowerCase()]) || 'en';
}

export interface CompletionEmailInput {
  locale: string;
  nickname: string;
  status: FinalStatus;
  totalRows: number;
  startedAt: Date;
  summary: OutcomeCounts;
  reportUrls: ReportUrls;
  error?: string;
  statusUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Fills `{{name}}` placeholders. Done here rather than by i18n's mustache, which HTML-escapes the
 * values: the plain-text part must keep URLs as they are, and the HTML part escapes everything itself.
 */
export function interpolate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (placeholder, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : placeholder,
  );
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function renderCompletionEmail(input: CompletionEmailInput): RenderedEmail {
  const t = (phrase: string, replacements: Record<string, string | number> = {}) =>
    interpolate(i18n.__({ phrase, locale: input.locale }), replacements);
  const startedAt = new Intl.DateTimeFormat(input.locale, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  })
    .format(input.startedAt)
    .concat(' UTC');
  const failed = input.status === 'failed';
  const counts = [
    t('csvImport.successes', { count: input.summary.successes }),
    t('csvImport.duplicates', { count: input.summary.duplicates }),
    t('csvImport.failures', { count: input.summary.failures }),
  ];
  const links = (['success', 'duplicates', 'failures'] as const)
    .filter((kind) => input.reportUrls[kind])
    .map((kind) => ({ label: t(`csvImport.report.${kind}`), url: input.reportUrls[kind]! }));
  const intro = t(`csvImport.${input.status}Intro`, {
    totalRows: input.totalRows,
    startedAt,
  });
  const reason = failed && input.error ? t('csvImport.failedReason', { error: input.error }) : null;

  const text = [
    t('csvImport.greeting', { nickname: input.nickname }),
    '',
    intro,
    ...(reason ? [reason] : []),
    '',
    `${t('csvImport.summaryHeading')}:`,
    ...counts.map((line) => `- ${line}`),
    '',
    ...(links.length
      ? [
          `${t('csvImport.reportsHeading')}:`,
          ...links.map((l) => `- ${l.label}: ${l.url}`),
          t('csvImport.linksExpire'),
        ]
      : [t('csvImport.noReports')]),
    '',
    t('csvImport.statusLink', { url: input.statusUrl }),
    '',
    t('csvImport.signature'),
  ].join('\n');

  const dir = RIGHT_TO_LEFT.has(input.locale) ? 'rtl' : 'ltr';
  const html = [
    `<!doctype html><html lang="${input.locale}" dir="${dir}"><body style="font-family:sans-serif">`,
    `<p>${escapeHtml(t('csvImport.greeting', { nickname: input.nickname }))}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    reason ? `<p><strong>${escapeHtml(reason)}</strong></p>` : '',
    `<h2>${escapeHtml(t('csvImport.summaryHeading'))}</h2>`,
    `<ul>${counts.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
    links.length
      ? `<h2>${escapeHtml(t('csvImport.reportsHeading'))}</h2><ul>${links
          .map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></li>`)
          .join('')}</ul><p>${escapeHtml(t('csvImport.linksExpire'))}</p>`
      : `<p>${escapeHtml(t('csvImport.noReports'))}</p>`,
    `<p>${escapeHtml(t('csvImport.statusLink', { url: input.statusUrl }))}</p>`,
    `<p>${escapeHtml(t('csvImport.signature'))}</p>`,
    '</body></html>',
  ].join('');

  return { subject: t(`csvImport.subject.${input.status}`), text, html };
}
