// @ts-check
/**
 * What the page shows of an import: the form's busy state, the progress, the summary with its report
 * links, and the completion notification. Every piece of server-provided text goes into the page
 * through textContent, never innerHTML.
 */

import { checkedRows, FINAL_STATUSES } from './api.js';
import { el, show } from './dom.js';
import { plural, toCount } from './format.js';
import { state } from './state.js';

/** @typedef {import('./api.js').JobStatus} JobStatus */
/** @typedef {import('./api.js').Notification} Notification */

/** The three reports, in the order they are offered. */
export const REPORTS = Object.freeze([
  {
    key: 'success',
    id: 'report-success',
    label: 'Download the imported rows report',
    short: 'Imported rows',
  },
  {
    key: 'duplicates',
    id: 'report-duplicates',
    label: 'Download the duplicates report',
    short: 'Duplicates',
  },
  {
    key: 'failures',
    id: 'report-failures',
    label: 'Download the failures report (reason per row)',
    short: 'Failures',
  },
]);

/**
 * The form's one submit button is its next step: "Check file" until the server has checked the
 * chosen file, then "Import N rows"; disabled while a check or an import runs.
 */
export function updateImportButton() {
  const busy = state.importing || state.checking;
  const button = el['import-button'];
  button.disabled = busy;
  if (state.importing) button.textContent = 'Importing…';
  else if (state.checking) button.textContent = 'Checking…';
  else if (state.check) button.textContent = `Import ${plural(checkedRows(state.check.result), 'row')}`;
  else button.textContent = 'Check file';
  el['import-form'].setAttribute('aria-busy', String(busy));
  el['recheck-button'].disabled = busy;
  show(el['recheck-button'], Boolean(state.check) || state.checking);
}

/** @param {boolean} busy an import is being sent or followed */
export function setImportBusy(busy) {
  state.importing = busy;
  updateImportButton();
}

/** @param {string} text the note about the parsed file, or '' to hide it */
export function setParseNotice(text) {
  el['parse-notice'].textContent = text;
  show(el['parse-notice'], Boolean(text));
}

/** What screen readers were last told of the progress: its status and the quarter of rows done. */
let announced = { status: '', quarter: -1 };

/**
 * Tells screen readers of a new status or another quarter of the rows done: an event per chunk of
 * a million-row import would be read out hundreds of times.
 * @param {string} status
 * @param {number} processedRows
 * @param {number} totalRows
 */
function announceProgress(status, processedRows, totalRows) {
  const quarter = totalRows > 0 ? Math.floor((4 * processedRows) / totalRows) : 0;
  if (status === announced.status && quarter === announced.quarter) return;
  announced = { status, quarter };
  el['progress-announcement'].textContent = `${processedRows} of ${totalRows} rows processed (${status}).`;
}

/** A new batch is shown: its progress is announced from the start. */
export function resetProgressAnnouncement() {
  announced = { status: '', quarter: -1 };
  el['progress-announcement'].textContent = '';
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
  announceProgress(status, processedRows, totalRows);
  el['progress-successes'].textContent = String(toCount(progress.successes));
  el['progress-duplicates'].textContent = String(toCount(progress.duplicates));
  el['progress-failures'].textContent = String(toCount(progress.failures));
}

/* ------------------------------------------------------------------------------------------ */
/* Summary                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/**
 * @param {JobStatus} jobStatus a final one
 * @param {string} batchId
 */
export function renderSummary({ status, result, progress, duplicatesUrl }, batchId) {
  const failed = status === 'failed';
  const cancelled = status === 'cancelled';
  el['summary-heading'].textContent = failed
    ? 'Import failed'
    : cancelled
      ? 'Import cancelled'
      : 'Import complete';
  el['job-error'].textContent = failed
    ? `The import failed: ${(typeof result?.error === 'string' && result.error) || 'no reason was given.'}`
    : '';
  el['summary-note'].textContent = cancelled ? CANCELLED_NOTE : '';
  show(el['summary-note'], cancelled);
  // A failed batch may have no final summary; the running counters are the best we have then.
  const counts = result?.summary ?? progress ?? {};
  el['summary-successes'].textContent = String(toCount(counts.successes));
  el['summary-duplicates'].textContent = String(toCount(counts.duplicates));
  el['summary-failures'].textContent = String(toCount(counts.failures));
  el['summary-batch'].textContent = batchId;
  renderDuplicatesLink(
    batchId,
    typeof duplicatesUrl === 'string' ? duplicatesUrl : '',
    toCount(counts.duplicates),
  );
  renderReportLinks(result?.reportUrls ?? {});
  show(el.summary);
}

const CANCELLED_NOTE =
  'This import was cancelled. The rows it had not processed are failures (“Import cancelled before this ' +
  'row was processed.”): failures.csv, the failures report below, lists them and can be imported again ' +
  'as it is to finish the import.';

/**
 * A link to the duplicates view of this batch, when the server says it has some (`duplicatesUrl`).
 * @param {string} batchId
 * @param {string} duplicatesUrl
 * @param {number} count
 */
function renderDuplicatesLink(batchId, duplicatesUrl, count) {
  const link = el['review-duplicates'];
  link.href = `#duplicates=${encodeURIComponent(batchId)}`;
  link.dataset.url = duplicatesUrl;
  link.dataset.batchId = batchId;
  link.textContent = `Review the ${plural(count, 'duplicate')} of this import`;
  show(el['summary-duplicates-link'], Boolean(duplicatesUrl));
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
export function safeHttpUrl(raw) {
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
  time.dateTime = String(notification.dateInscription ?? '');
  time.textContent = formatTime(notification.dateInscription);
  el['notification-text'].replaceChildren(
    `${notificationTitle(notification.notificationType?.name)} notification received at `,
    time,
    '.',
  );
  renderReadState(notification);
  show(el.notification);
}

/**
 * After "mark as read" (a 204 without a body), `dateReadAt` is `true` rather than a time.
 * @param {{ dateReadAt?: unknown }} notification
 */
export function renderReadState(notification) {
  const read = Boolean(notification.dateReadAt);
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
 * A date and time from the server, in the reader's own format.
 * @param {unknown} iso
 * @returns {string}
 */
export function formatTime(iso) {
  const date = new Date(typeof iso === 'string' || typeof iso === 'number' ? iso : Number.NaN);
  return Number.isNaN(date.getTime()) ? String(iso ?? 'an unknown time') : date.toLocaleString();
}
