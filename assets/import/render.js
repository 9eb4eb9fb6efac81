// @ts-check
/**
 * What the page shows of an import: the form's busy state, the progress, the summary with its report
 * links, and the completion notification. Every piece of server-provided text goes into the page
 * through textContent, never innerHTML.
 */

import { FINAL_STATUSES } from './api.js';
import { el, show } from './dom.js';
import { toCount } from './format.js';
import { state } from './state.js';

/** @typedef {import('./api.js').JobStatus} JobStatus */
/** @typedef {import('./api.js').Notification} Notification */

const REPORTS = Object.freeze([
  { key: 'success', id: 'report-success', label: 'Download the imported rows report' },
  { key: 'duplicates', id: 'report-duplicates', label: 'Download the duplicates report' },
  { key: 'failures', id: 'report-failures', label: 'Download the failures report (reason per row)' },
]);

/** @param {boolean} busy */
export function setImportBusy(busy) {
  el['import-button'].disabled = busy;
  el['import-button'].textContent = busy ? 'Importing…' : 'Import';
  el['import-form'].setAttribute('aria-busy', String(busy));
}

/** @param {string} text the note about the parsed file, or '' to hide it */
export function setParseNotice(text) {
  el['parse-notice'].textContent = text;
  show(el['parse-notice'], Boolean(text));
}

/** @param {Pick<JobStatus, 'status' | 'progress'>} jobStatus */
export function renderProgress({ status, progress }) {
  const totalRows = toCount(progress.totalRows);
  const processedRows = Math.min(toCount(progress.processedRows), totalRows);
  // <progress> needs max > 0; an empty batch is shown as full once it is over.
  const bar = el['import-progress'];
  bar.max = Math.max(totalRows, 1);
  bar.value = totalRows === 0 && FINAL_STATUSES.has(status) ? 1 : processedRows;
  el['status-text'].textContent = `${processedRows} / ${totalRows} rows processed (${status})`;
  el['progress-successes'].textContent = String(toCount(progress.successes));
  el['progress-duplicates'].textContent = String(toCount(progress.duplicates));
  el['progress-failures'].textContent = String(toCount(progress.failures));
}

/* ------------------------------------------------------------------------------------------ */
/* Summary                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** @param {JobStatus} jobStatus a final one */
export function renderSummary({ status, result, progress }) {
  const failed = status === 'failed';
  el['summary-heading'].textContent = failed ? 'Import failed' : 'Import complete';
  el['job-error'].textContent = failed
    ? `The import failed: ${(typeof result?.error === 'string' && result.error) || 'no reason was given.'}`
    : '';
  // A failed batch may have no final summary; the running counters are the best we have then.
  const counts = result?.summary ?? progress ?? {};
  el['summary-successes'].textContent = String(toCount(counts.successes));
  el['summary-duplicates'].textContent = String(toCount(counts.duplicates));
  el['summary-failures'].textContent = String(toCount(counts.failures));
  renderReportLinks(result?.reportUrls ?? {});
  show(el.summary);
}

/** @param {{ [report: string]: unknown }} reportUrls */
function renderReportLinks(reportUrls) {
  const items = [];
  for (const report of REPORTS) {
    const href = safeHttpUrl(reportUrls[report.key]);
    if (!href) continue;
    const link = document.createElement('a');
    link.id = report.id;
    link.href = href;
    link.download = '';
    link.textContent = report.label;
    const item = document.createElement('li');
    item.append(link);
    items.push(item);
  }
  el['report-list'].replaceChildren(...items);
  show(el.reports, items.length > 0);
}

/**
 * Only http(s) links are offered, so a bad report URL can never become a `javascript:` link.
 * @param {unknown} raw
 * @returns {string | null}
 */
function safeHttpUrl(raw) {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const url = new URL(raw, window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Notification                                                                                */
/* ------------------------------------------------------------------------------------------ */

export function showNotificationWaiting() {
  el['notification-text'].textContent = 'Waiting for the completion notification…';
  el['notification-state'].textContent = '';
  show(el['mark-read'], false);
  show(el.notification);
}

/** @param {Notification} notification */
export function renderNotification(notification) {
  state.notificationId = notification.id;
  const time = document.createElement('time');
  time.dateTime = String(notification.createdAt ?? '');
  time.textContent = formatTime(notification.createdAt);
  el['notification-text'].replaceChildren(
    `${notificationTitle(notification.type)} notification received at `,
    time,
    '.',
  );
  renderReadState(notification);
  show(el.notification);
}

/**
 * After "mark as read", `readAt` may be `true` rather than a time: the server's answer was odd.
 * @param {{ readAt?: unknown }} notification
 */
export function renderReadState(notification) {
  const read = Boolean(notification.readAt);
  el['notification-state'].textContent = read ? 'Read' : '';
  show(el['mark-read'], !read);
  el['mark-read'].disabled = false;
}

/**
 * "IMPORT_COMPLETE" reads as "Import complete".
 * @param {string} type
 * @returns {string}
 */
function notificationTitle(type) {
  const words = String(type || 'import')
    .toLowerCase()
    .replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * @param {string} iso
 * @returns {string}
 */
function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso ?? 'an unknown time') : date.toLocaleString();
}
