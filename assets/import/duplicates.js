// @ts-check
/**
 * The duplicates view: the duplicates an import recorded (or every import's), a page at a time
 * (`limit` / `skip`, following the 206 + Content-Range of GET /api/v1/entrance-duplicates), each with
 * the existing entrance it matched (GET /api/v1/entrance-duplicates/:id), for a moderator to decide.
 * Opened from an import's summary (its `duplicatesUrl`), from the batch id form, or by a link to
 * `#duplicates=<batchId>`. The actions on them are in duplicateActions.js.
 */

import { API, NetworkError, request, serverMessage } from './api.js';
import { el, show } from './dom.js';
import { focusItem, renderDuplicates } from './duplicatesRender.js';
import { plural, toCount } from './format.js';
import { expireSession } from './session.js';
import { state } from './state.js';

/** @typedef {import('./api.js').ApiResponse} ApiResponse */
/** @typedef {import('./api.js').JsonBody} JsonBody */
/** @typedef {import('./duplicatesRender.js').ShownDuplicate} ShownDuplicate */

export const PAGE_SIZE = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @typedef {object} LoadOptions
 * @property {string} [message] the outcome of the action that led here, said before the page's range
 * @property {string} [error] an action's failure, shown as an alert
 * @property {number | 'heading' | 'status'} [focus] an item's index on the new page, or where else
 * @property {boolean} [pastEnd] set when the page before is being read, the page asked for being past the end
 */

/** What the view shows; one view per page. */
export const view = {
  /** '' for every import's duplicates */
  batchId: '',
  /** The list's API path with its batchId: the job's `duplicatesUrl`, or built from the batch id. */
  listUrl: '',
  skip: 0,
  total: 0,
  /** @type {ShownDuplicate[]} */
  shown: [],
  /** @type {Set<number>} ids of the shown duplicates the moderator has selected */
  selected: new Set(),
  /** An action runs: the view's buttons wait. */
  busy: false,
  // Bumped by every load, so the answer of an older one is dropped.
  generation: 0,
};

/** Whether the signed-in user may resolve duplicates (the server checks it again on every request). */
export function canResolve() {
  return state.roles.administrator || state.roles.moderator;
}

/**
 * Opens the view on one import's duplicates (or every import's, for '').
 * @param {string} batchId
 * @param {string} [duplicatesUrl] the job's `duplicatesUrl`, used when it is one of this API's lists
 * @returns {Promise<void>}
 */
export async function openDuplicates(batchId, duplicatesUrl = '') {
  setError('');
  if (batchId && !UUID.test(batchId)) {
    setError('A batch id looks like 3f2b8c1e-5d6a-4f7b-9c0d-1e2f3a4b5c6d. Check the id and try again.');
    el['duplicates-batch'].focus();
    return;
  }
  view.batchId = batchId;
  view.listUrl = listPath(batchId, duplicatesUrl);
  view.skip = 0;
  el['duplicates-batch'].value = batchId;
  el['duplicates-intro'].textContent = canResolve()
    ? 'Rows an import found already imported are kept as duplicates. Each is shown next to the entrance it matched: import it as a new entrance, or discard it.'
    : 'Rows an import found already imported, each next to the entrance it matched. Only moderators and administrators can resolve them.';
  show(el['duplicates-section']);
  await loadPage({ focus: 'heading' });
}

/**
 * @param {string} batchId
 * @param {string} duplicatesUrl
 * @returns {string}
 */
function listPath(batchId, duplicatesUrl) {
  try {
    const url = new URL(duplicatesUrl, window.location.origin);
    const sameBatch = (url.searchParams.get('batchId') ?? '') === batchId;
    if (
      duplicatesUrl &&
      url.origin === window.location.origin &&
      url.pathname === API.duplicates &&
      sameBatch
    ) {
      return `${url.pathname}${url.search}`;
    }
  } catch {
    // not a URL: built below
  }
  return batchId ? `${API.duplicates}?batchId=${encodeURIComponent(batchId)}` : API.duplicates;
}

/** The batch id form. @param {SubmitEvent} event */
export function onOpenDuplicates(event) {
  event.preventDefault();
  openDuplicates(el['duplicates-batch'].value.trim());
}

/** `#duplicates=<batchId>` (or `#duplicates`) opens the view, once signed in. */
export function openFromHash() {
  const match = /^#duplicates(?:=([^&]*))?$/.exec(window.location.hash);
  if (!match || !state.token) return;
  let batchId = '';
  try {
    batchId = decodeURIComponent(match[1] ?? '').trim();
  } catch {
    batchId = match[1] ?? '';
  }
  openDuplicates(batchId);
}

/** @param {MouseEvent} event a click on the summary's link */
export function onReviewLink(event) {
  event.preventDefault();
  const link = /** @type {HTMLAnchorElement} */ (event.currentTarget);
  if (window.location.hash !== link.hash) window.history.pushState(null, '', link.hash);
  openDuplicates(link.dataset.batchId ?? '', link.dataset.url ?? '');
}

export function onPreviousPage() {
  if (view.busy) return;
  view.skip = Math.max(0, view.skip - PAGE_SIZE);
  loadPage({ focus: 0 });
}

export function onNextPage() {
  if (view.busy) return;
  view.skip += PAGE_SIZE;
  loadPage({ focus: 0 });
}

/** @param {string} text '' to clear */
export function setError(text) {
  el['duplicates-error'].textContent = text;
}

/** @param {string} text */
function setStatus(text) {
  el['duplicates-status'].textContent = text;
}

/**
 * Loads the page at view.skip (the one before, when it is now past the end) and its entrances.
 * @param {LoadOptions} [options]
 * @returns {Promise<void>}
 */
export async function loadPage(options = {}) {
  const generation = ++view.generation;
  const session = state.session;
  const current = () => generation === view.generation && session === state.session;
  setStatus(options.message ? `${options.message} Refreshing the list…` : 'Loading duplicates…');
  el['duplicates-list'].setAttribute('aria-busy', 'true');
  const page = await fetchPage();
  if (!current()) return;
  el['duplicates-list'].setAttribute('aria-busy', 'false');
  if (page.expired) {
    expireSession();
    return;
  }
  if (page.error !== null) {
    show(el['duplicates-view'], false);
    setStatus('');
    setError(page.error);
    return;
  }
  if (page.items.length === 0 && view.skip > 0 && page.total > 0 && !options.pastEnd) {
    // Past the end (the last items of the last page were resolved): the last page there is now.
    view.skip = Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE;
    return loadPage({ ...options, pastEnd: true });
  }
  const details = await Promise.all(page.items.map((item) => fetchDetail(toCount(item?.id))));
  if (!current()) return;
  view.total = page.total;
  view.shown = page.items.map((item, index) => ({ item, ...details[index] }));
  view.selected.clear();
  setError(options.error ?? '');
  setStatus(`${options.message ? `${options.message} ` : ''}${rangeText()}`);
  renderDuplicates(view, canResolve(), PAGE_SIZE);
  show(el['duplicates-view']);
  placeFocus(options.focus);
}

/** @returns {string} */
function rangeText() {
  const scope = view.batchId ? 'this import' : 'any import';
  if (view.total === 0) return `No duplicates of ${scope} are left to review.`;
  const last = view.skip + view.shown.length;
  return `Showing duplicates ${view.skip + 1}–${last} of ${view.total} (${plural(view.total, 'duplicate')} of ${scope} to review).`;
}

/** @param {LoadOptions['focus']} focus */
function placeFocus(focus) {
  if (focus === undefined) return;
  if (focus === 'heading') el['duplicates-heading'].focus();
  else if (focus === 'status' || view.shown.length === 0) el['duplicates-status'].focus();
  else focusItem(Math.min(focus, view.shown.length - 1));
}

/**
 * @typedef {object} Page
 * @property {(JsonBody & { id?: unknown })[]} items
 * @property {number} total
 * @property {string | null} error why the page could not be read
 * @property {boolean} expired a 401
 */

/** @returns {Promise<Page>} */
async function fetchPage() {
  const url = new URL(view.listUrl, window.location.origin);
  url.searchParams.set('limit', String(PAGE_SIZE));
  url.searchParams.set('skip', String(view.skip));
  /** @type {Page} */
  const page = { items: [], total: 0, error: null, expired: false };
  let response;
  try {
    response = await request(`${url.pathname}${url.search}`);
  } catch (error) {
    page.error = error instanceof NetworkError ? error.message : 'The duplicates could not be listed.';
    return page;
  }
  if (response.status === 401) return { ...page, expired: true };
  const items = response.body?.duplicates;
  if (!response.ok || !Array.isArray(items)) {
    const reason = serverMessage(response.body) || `HTTP ${response.status}`;
    page.error = `The duplicates could not be listed: ${reason}`;
    return page;
  }
  page.items = items.filter((item) => item && typeof item === 'object');
  page.total = pageTotal(response, page.items.length);
  return page;
}

/**
 * 200: the page is the whole rest of the list. 206: `Content-Range: <first>-<last>/<total>`, or
 * `*\/<total>` for a page past the end.
 * @param {ApiResponse} response
 * @param {number} count
 * @returns {number}
 */
function pageTotal(response, count) {
  const range = /\/(\d+)\s*$/.exec(response.headers.get('Content-Range') ?? '');
  if (response.status === 206 && range) return Number(range[1]);
  return view.skip + count;
}

/**
 * The duplicate with the entrance it matched; a missing one is said in its place.
 * @param {number} id
 * @returns {Promise<{ detail: JsonBody, detailError: string }>}
 */
async function fetchDetail(id) {
  let response;
  try {
    response = await request(API.duplicate(id));
  } catch {
    return {
      detail: null,
      detailError: 'The existing entrance could not be loaded (no answer from the server).',
    };
  }
  if (response.ok && response.body) return { detail: response.body, detailError: '' };
  if (response.status === 404) {
    return {
      detail: null,
      detailError: 'This duplicate no longer exists: someone has resolved it meanwhile.',
    };
  }
  const reason = serverMessage(response.body) || `HTTP ${response.status}`;
  return { detail: null, detailError: `The existing entrance could not be loaded: ${reason}` };
}
