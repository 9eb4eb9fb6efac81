// @ts-check
/**
 * The list of past imports (GET /api/v1/jobs, newest first), a page at a time: each with its status,
 * date, counts, report links and whether it was cancelled or reverted; moderators and administrators
 * may list everyone's (`?all=true`). An entry links to `#batch=<batchId>`, which opens that batch's
 * progress and summary (main.js routes it). The list is read again whenever it is shown or a batch
 * changes, so its report links (signed by each read, valid 7 days from it) are always fresh.
 */

import { API, isJobStatus, NetworkError, RUNNING_STATUSES, request, serverMessage } from './api.js';
import { el, show } from './dom.js';
import { plural, toCount } from './format.js';
import { formatTime, REPORTS, safeHttpUrl } from './render.js';
import { expireSession } from './session.js';
import { state } from './state.js';

/** @typedef {import('./api.js').JobStatus} JobStatus */

export const IMPORTS_PAGE_SIZE = 10;

/** What the list shows. */
export const imports = {
  offset: 0,
  total: 0,
  /** Everyone's imports rather than the user's own. */
  all: false,
  /** @type {JobStatus[]} */
  shown: [],
  // Bumped by every load, so the answer of an older one is dropped.
  generation: 0,
};

const STATUS_LABELS = Object.freeze({
  pending: 'Waiting to start',
  active: 'Running',
  aggregating: 'Writing reports',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
});

/**
 * A session has started: the user's own imports, first page.
 * @returns {Promise<void>}
 */
export function startPastImports() {
  imports.offset = 0;
  imports.total = 0;
  imports.shown = [];
  imports.all = false;
  el['imports-all'].checked = false;
  show(el['imports-scope'], state.roles.administrator || state.roles.moderator);
  show(el['imports-section']);
  return loadImports();
}

/** Reads the page shown again (a batch was imported, ended, cancelled or reverted). */
export function refreshPastImports() {
  if (!state.token || el['imports-section'].hidden) return;
  loadImports();
}

/** The list's heading gets focus, and the list is read again (`#imports`). */
export function focusPastImports() {
  if (!state.token) return;
  el['imports-heading'].focus();
  loadImports();
}

export function onImportsScope() {
  imports.all = el['imports-all'].checked;
  imports.offset = 0;
  loadImports();
}

export function onImportsPrevious() {
  if (imports.offset === 0) return;
  imports.offset = Math.max(0, imports.offset - IMPORTS_PAGE_SIZE);
  loadImports({ focusFirst: true });
}

export function onImportsNext() {
  if (imports.offset + imports.shown.length >= imports.total) return;
  imports.offset += IMPORTS_PAGE_SIZE;
  loadImports({ focusFirst: true });
}

/**
 * @param {{ focusFirst?: boolean, pastEnd?: boolean }} [options] focusFirst: on the first entry's
 *   link once read (after a page change); pastEnd: the page before is being read, the one asked for
 *   being past the end
 * @returns {Promise<void>}
 */
async function loadImports(options = {}) {
  const generation = ++imports.generation;
  const session = state.session;
  const current = () => generation === imports.generation && session === state.session;
  el['imports-list'].setAttribute('aria-busy', 'true');
  if (!imports.shown.length) setStatus('Loading past imports…');
  const query = new URLSearchParams({ limit: String(IMPORTS_PAGE_SIZE), offset: String(imports.offset) });
  if (imports.all) query.set('all', 'true');
  let response;
  try {
    response = await request(`${API.jobs}?${query}`);
  } catch (error) {
    if (!current()) return;
    failed(error instanceof NetworkError ? error.message : 'The request failed unexpectedly.');
    return;
  }
  if (!current()) return;
  el['imports-list'].setAttribute('aria-busy', 'false');
  if (response.status === 401) {
    expireSession();
    return;
  }
  const items = response.body?.items;
  if (!response.ok || !Array.isArray(items)) {
    failed(serverMessage(response.body) || `HTTP ${response.status}`);
    return;
  }
  const total = toCount(response.body?.total);
  if (items.length === 0 && imports.offset > 0 && total > 0 && !options.pastEnd) {
    // Fewer imports than before (the list of everyone's changed): the last page there is now.
    imports.offset = Math.floor((total - 1) / IMPORTS_PAGE_SIZE) * IMPORTS_PAGE_SIZE;
    return loadImports({ ...options, pastEnd: true });
  }
  imports.total = total;
  imports.shown = items.filter(isJobStatus);
  el['imports-error'].textContent = '';
  renderImports();
  if (options.focusFirst) {
    const link = el['imports-list'].querySelector('a.import-link');
    if (link instanceof HTMLElement) link.focus();
    else el['imports-status'].focus();
  }
}

/** @param {string} reason */
function failed(reason) {
  el['imports-list'].setAttribute('aria-busy', 'false');
  el['imports-error'].textContent = `The past imports could not be listed: ${reason}`;
  setStatus('');
}

/** @param {string} text */
function setStatus(text) {
  el['imports-status'].textContent = text;
}

function renderImports() {
  const { offset, total, shown, all } = imports;
  el['imports-list'].replaceChildren(...shown.map(importItem));
  el['imports-list'].start = offset + 1;
  const last = offset + shown.length;
  const range = shown.length ? `${offset + 1}–${last} of ${total}` : '';
  el['imports-range'].textContent = range;
  el['imports-prev'].disabled = offset === 0;
  el['imports-next'].disabled = last >= total;
  show(el['imports-pager'], total > IMPORTS_PAGE_SIZE);
  const whose = all ? 'everyone’s imports' : 'your imports';
  if (total === 0) setStatus(all ? 'No imports yet.' : 'You have not imported anything yet.');
  else if (!shown.length) setStatus(`No more of ${whose}.`);
  else setStatus(`Showing ${whose} ${range}, newest first.`);
}

/**
 * @param {JobStatus} job
 * @returns {HTMLLIElement}
 */
function importItem(job) {
  const batchId = typeof job.batchId === 'string' ? job.batchId : '';
  const item = document.createElement('li');
  item.className = 'import-item';
  item.dataset.batchId = batchId;

  const head = document.createElement('p');
  head.className = 'import-head';
  const link = document.createElement('a');
  link.className = 'import-link';
  link.href = `#batch=${encodeURIComponent(batchId)}`;
  link.dataset.batchId = batchId;
  const when = `Import of ${formatTime(job.createdAt)}`;
  link.textContent = when;
  head.append(link, ' ', tag(statusLabel(job.status), `tag tag-${job.status}`));
  if (RUNNING_STATUSES.has(job.status) && job.cancelledAt)
    head.append(' ', tag('Cancelling', 'tag tag-marker'));
  if (job.revertedAt) head.append(' ', tag(`Reverted on ${formatTime(job.revertedAt)}`, 'tag tag-marker'));
  item.append(head, paragraph(countsText(job), 'import-counts'));

  const reports = reportLinks(job, when);
  if (reports) item.append(reports);
  return item;
}

/** @param {string} status */
function statusLabel(status) {
  return Object.hasOwn(STATUS_LABELS, status)
    ? STATUS_LABELS[/** @type {keyof typeof STATUS_LABELS} */ (status)]
    : status;
}

/**
 * "240 imported, 30 duplicates, 30 failures of 300 rows", and how far a running one has got.
 * @param {JobStatus} job
 */
function countsText({ status, progress, result }) {
  const counts = result?.summary ?? progress;
  const total = toCount(progress.totalRows);
  const text =
    `${toCount(counts.successes)} imported, ${plural(toCount(counts.duplicates), 'duplicate')}, ` +
    `${plural(toCount(counts.failures), 'failure')} of ${plural(total, 'row')}`;
  if (!RUNNING_STATUSES.has(status)) return text;
  return `${text} (${toCount(progress.processedRows)} processed so far)`;
}

/**
 * The report links of one entry, from the read that listed it; null when it has none.
 * @param {JobStatus} job
 * @param {string} when the entry's name, for the links' list
 * @returns {HTMLUListElement | null}
 */
function reportLinks(job, when) {
  /** @type {{ [report: string]: unknown }} */
  const urls = job.result?.reportUrls ?? {};
  const list = document.createElement('ul');
  list.className = 'import-reports';
  list.setAttribute('aria-label', `Reports of the ${when.charAt(0).toLowerCase()}${when.slice(1)}`);
  for (const report of REPORTS) {
    const href = safeHttpUrl(urls[report.key]);
    if (!href) continue;
    const link = document.createElement('a');
    link.href = href;
    link.download = '';
    link.dataset.report = report.key;
    // Out of context (a screen reader's list of links) the name still says which import it is.
    const context = document.createElement('span');
    context.className = 'visually-hidden';
    context.textContent = ` report of the ${when.charAt(0).toLowerCase()}${when.slice(1)}`;
    link.append(report.short, context);
    const entry = document.createElement('li');
    entry.append(link);
    list.append(entry);
  }
  return list.children.length ? list : null;
}

/**
 * @param {string} text
 * @param {string} className
 */
function tag(text, className) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  return span;
}

/**
 * @param {string} text
 * @param {string} className
 */
function paragraph(text, className) {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}
