/**
 * Admin page: sign in, send a Karstlink CSV file to the import API, follow the batch until it ends,
 * then show its summary, its report links and the completion notification.
 *
 * Loaded as a module after /vendor/papaparse.min.js, which defines the global `Papa`.
 * Every piece of server-provided text goes into the page through textContent, never innerHTML.
 */

const TOKEN_KEY = 'caveImportToken';
const API = Object.freeze({
  login: '/api/v1/login',
  importRows: '/api/v1/entrances/import-rows',
  notifications: '/api/v1/notifications?limit=5',
  notification: (id) => `/api/v1/notifications/${encodeURIComponent(id)}`,
});
const POLL_INTERVAL_MS = 2000;
// A few missed polls are normal (server restart, flaky network); past this we stop and say so.
const MAX_POLL_FAILURES = 5;
// The notification is written when the batch is aggregated, which may land just after we see "completed".
const NOTIFICATION_ATTEMPTS = 4;
const NOTIFICATION_RETRY_MS = 1500;
const CSV_TYPES = new Set(['text/csv', 'application/vnd.ms-excel']);
const FINAL_STATUSES = new Set(['completed', 'failed']);
const ADMINISTRATOR_GROUP_ID = 1;
const REPORTS = Object.freeze([
  { key: 'success', id: 'report-success', label: 'Download the imported rows report' },
  { key: 'duplicates', id: 'report-duplicates', label: 'Download the duplicates report' },
  { key: 'failures', id: 'report-failures', label: 'Download the failures report (reason per row)' },
]);
const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';
const EXPIRED_MESSAGE = 'Your session has expired. Please sign in again.';

const el = Object.fromEntries(
  [
    'session',
    'session-text',
    'session-note',
    'sign-out',
    'error',
    'sign-in-section',
    'sign-in-form',
    'email',
    'password',
    'sign-in',
    'import-section',
    'import-heading',
    'import-form',
    'csv-file',
    'import-button',
    'parse-notice',
    'progress-section',
    'accepted-text',
    'import-progress',
    'status-text',
    'progress-successes',
    'progress-duplicates',
    'progress-failures',
    'summary',
    'summary-heading',
    'job-error',
    'summary-successes',
    'summary-duplicates',
    'summary-failures',
    'reports',
    'report-list',
    'notification',
    'notification-text',
    'notification-state',
    'mark-read',
  ].map((id) => [id, document.getElementById(id)]),
);

const state = {
  token: null,
  // Bumped whenever the current import or session is abandoned, so late answers from an old
  // poll or notification lookup are ignored instead of painting over the new state.
  generation: 0,
  // Bumped on every sign-out, so a request sent before it does not act on the next session.
  session: 0,
  job: null, // { batchId, statusUrl, controller, timer, failures, generation }
  notificationId: null,
};

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                               */
/* ------------------------------------------------------------------------------------------ */

class NetworkError extends Error {}

function show(node, visible = true) {
  node.hidden = !visible;
}

function showError(message) {
  el.error.textContent = message;
  // The region sits above the forms; on a small screen the user may have scrolled past it.
  el.error.scrollIntoView({ block: 'nearest' });
}

function clearError() {
  el.error.textContent = '';
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function toCount(value) {
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? Math.floor(number) : 0;
}

function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso ?? 'an unknown time') : date.toLocaleString();
}

/** Only http(s) links are offered, so a bad report URL can never become a `javascript:` link. */
function safeHttpUrl(raw) {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const url = new URL(raw, window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function serverMessage(body) {
  return body && typeof body.message === 'string' ? body.message.trim() : '';
}

/* ------------------------------------------------------------------------------------------ */
/* HTTP                                                                                        */
/* ------------------------------------------------------------------------------------------ */

/**
 * One fetch with JSON in and out. Resolves with { status, ok, body } for every HTTP answer, so each
 * caller decides what a status means to it; rejects with NetworkError when there is no answer.
 */
async function request(url, { method = 'GET', body, auth = true, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && state.token) headers.Authorization = `Bearer ${state.token}`;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      // Status and notification reads must reach the server each time, never a cached copy.
      cache: 'no-store',
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new NetworkError(NETWORK_MESSAGE);
  }
  return { status: response.status, ok: response.ok, body: await readJson(response) };
}

/** Error pages from proxies (e.g. a 413 from a body-size limit) may not be JSON; that is not fatal. */
async function readJson(response) {
  try {
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function isAbort(error) {
  return error?.name === 'AbortError';
}

/* ------------------------------------------------------------------------------------------ */
/* Session                                                                                     */
/* ------------------------------------------------------------------------------------------ */

function readStoredToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: the user simply signs in on every visit
  }
}

function storeToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage unavailable; the token still lives in memory for this page.
  }
}

/** The JWT payload, for display only: the server verifies the signature on every call. */
function decodeTokenPayload(token) {
  const part = typeof token === 'string' ? token.split('.')[1] : undefined;
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
    // Nicknames may hold accents; atob alone would yield mojibake for UTF-8.
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === 'object' ? payload : null;
  } catch {
    return null;
  }
}

function isExpired(payload) {
  return typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now();
}

function isAdministrator(payload) {
  if (!Array.isArray(payload.groups)) return true; // unknown: let the server decide, say nothing
  return payload.groups.some(
    (group) => group?.id === ADMINISTRATOR_GROUP_ID || group?.name === 'Administrator',
  );
}

function enterSession(token, payload) {
  state.token = token;
  const nickname = typeof payload.nickname === 'string' ? payload.nickname : '';
  el['session-text'].replaceChildren('Signed in');
  if (nickname) {
    const strong = document.createElement('strong');
    strong.textContent = nickname;
    el['session-text'].append(' as ', strong);
  }
  el['session-note'].textContent = isAdministrator(payload)
    ? ''
    : 'Your account is not in the Administrator group, so the server will refuse imports.';
  show(el['session-note'], !isAdministrator(payload));
  show(el.session);
  show(el['sign-in-section'], false);
  show(el['import-section']);
}

/** Back to the sign-in form. Any running import keeps going on the server; we just stop watching. */
function leaveSession(message = '') {
  abandonJob();
  state.session += 1;
  setImportBusy(false);
  state.token = null;
  storeToken(null);
  show(el.session, false);
  show(el['session-note'], false);
  for (const id of ['import-section', 'progress-section', 'summary', 'notification']) show(el[id], false);
  el['parse-notice'].textContent = '';
  show(el['parse-notice'], false);
  show(el['sign-in-section']);
  if (message) showError(message);
  else clearError();
  el.email.focus();
}

function expireSession() {
  leaveSession(EXPIRED_MESSAGE);
}

async function onSignIn(event) {
  event.preventDefault();
  clearError();
  const email = el.email.value.trim();
  const password = el.password.value;
  if (!email || !password) {
    showError('Enter your email and password.');
    return;
  }
  el['sign-in'].disabled = true;
  try {
    const response = await request(API.login, { method: 'POST', body: { email, password }, auth: false });
    handleLoginResponse(response);
  } catch (error) {
    showError(error instanceof NetworkError ? error.message : 'Sign-in failed unexpectedly.');
  } finally {
    el['sign-in'].disabled = false;
  }
}

function handleLoginResponse({ ok, status, body }) {
  const token = body && typeof body.token === 'string' ? body.token : null;
  if (ok && token) {
    storeToken(token);
    el.password.value = '';
    enterSession(token, decodeTokenPayload(token) ?? {});
    // The form the user was in is gone; put focus where the next step starts.
    el['import-heading'].focus();
    return;
  }
  if (ok) showError('The server accepted the sign-in but sent no token. Please try again.');
  else if (status === 401 || status === 403) showError(serverMessage(body) || 'Wrong email or password.');
  else if (status >= 500)
    showError(serverMessage(body) || `The server could not sign you in (HTTP ${status}).`);
  else showError(serverMessage(body) || `Sign-in failed (HTTP ${status}).`);
}

function onSignOut() {
  leaveSession();
}

/** Reuse a token from an earlier visit in this tab, unless it is unreadable or already expired. */
function restoreSession() {
  const token = readStoredToken();
  const payload = token ? decodeTokenPayload(token) : null;
  if (token && payload && !isExpired(payload)) {
    enterSession(token, payload);
    return;
  }
  if (token) storeToken(null);
}

/* ------------------------------------------------------------------------------------------ */
/* File checks and CSV parsing                                                                 */
/* ------------------------------------------------------------------------------------------ */

/** A message when the chosen file cannot be a CSV file, otherwise null. */
function fileProblem(file) {
  if (!file) return 'Choose a CSV file to import.';
  const csvName = /\.csv$/i.test(file.name);
  const csvType = CSV_TYPES.has((file.type || '').toLowerCase());
  if (!csvName && !csvType) {
    return `“${file.name}” is not a CSV file. Choose a Karstlink export saved as .csv (comma-separated values).`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

function parseCsv(file) {
  return new Promise((resolve, reject) => {
    window.Papa.parse(file, {
      header: true,
      skipEmptyLines: 'greedy',
      complete: resolve,
      error: reject,
    });
  });
}

/**
 * Papa counts a quote error's row from the header line but a field-count error's row from the first
 * data line; both become a 1-based file line, "near" because skipped blank lines shift it.
 */
function describeParseError(error) {
  const headerOffset = error.type === 'Quotes' ? 1 : 2;
  const where = Number.isInteger(error.row) ? ` near line ${error.row + headerOffset}` : '';
  return `${error.message || error.code || 'unknown error'}${where}`;
}

/**
 * A message when the parsed file cannot be sent. Quote errors make row boundaries unreliable, so
 * they stop the import; a row with too many or too few fields is left for the server to report.
 */
function parseProblem(results) {
  const rows = Array.isArray(results.data) ? results.data : [];
  const errors = Array.isArray(results.errors) ? results.errors : [];
  const quoteError = errors.find((error) => error.type === 'Quotes');
  if (quoteError) {
    return `The file could not be read as CSV: ${describeParseError(quoteError)}. Check for an unmatched double quote (").`;
  }
  if (rows.length === 0) {
    return errors.length
      ? `The file could not be read as CSV: ${describeParseError(errors[0])}.`
      : 'The file has no data rows: only a header line, or nothing at all.';
  }
  return null;
}

/** A note, shown next to the form, about rows whose field count differs from the header. */
function fieldMismatchNote(results) {
  const mismatched = (results.errors ?? []).filter((error) => error.type === 'FieldMismatch');
  if (mismatched.length === 0) return '';
  return (
    `${plural(mismatched.length, 'row')} had a different number of fields than the header ` +
    `(first: ${describeParseError(mismatched[0])}). They were sent as read; the failures report will list any that cannot be imported.`
  );
}

/** Papa puts surplus fields under `__parsed_extra`; they have no column, so they are not sent. */
function cleanRows(rows) {
  return rows.map((row) => {
    if (!Object.hasOwn(row, '__parsed_extra')) return row;
    const { __parsed_extra: _extra, ...rest } = row;
    return rest;
  });
}

/* ------------------------------------------------------------------------------------------ */
/* Import submission                                                                           */
/* ------------------------------------------------------------------------------------------ */

function setImportBusy(busy) {
  el['import-button'].disabled = busy;
  el['import-button'].textContent = busy ? 'Importing…' : 'Import';
  el['import-form'].setAttribute('aria-busy', String(busy));
}

async function onImport(event) {
  event.preventDefault();
  if (el['import-button'].disabled) return; // one import at a time, even from a keyboard Enter
  clearError();
  setParseNotice('');
  const file = el['csv-file'].files[0];
  const problem = fileProblem(file);
  if (problem) {
    showError(problem);
    return;
  }
  if (typeof window.Papa?.parse !== 'function') {
    showError('The CSV reader did not load. Reload the page and try again.');
    return;
  }
  setImportBusy(true);
  const session = state.session;
  let started = false;
  try {
    started = await parseAndSubmit(file, session);
  } finally {
    // After a sign-out, leaveSession already reset the button; the next session owns it now.
    if (!started && session === state.session) setImportBusy(false);
  }
}

/** Resolves true when the server accepted the batch and polling has begun. */
async function parseAndSubmit(file, session) {
  let results;
  try {
    results = await parseCsv(file);
  } catch (error) {
    if (session !== state.session) return false;
    showError(`The file could not be read: ${error?.message || 'unknown error'}.`);
    return false;
  }
  if (session !== state.session) return false; // signed out while the file was being read
  const problem = parseProblem(results);
  if (problem) {
    showError(problem);
    return false;
  }
  setParseNotice(fieldMismatchNote(results));
  resetResults();
  return submitRows(cleanRows(results.data), session);
}

function setParseNotice(text) {
  el['parse-notice'].textContent = text;
  show(el['parse-notice'], Boolean(text));
}

async function submitRows(rows, session) {
  let response;
  try {
    response = await request(API.importRows, { method: 'POST', body: { data: rows } });
  } catch (error) {
    if (session !== state.session) return false;
    showError(error instanceof NetworkError ? error.message : 'The import request failed unexpectedly.');
    return false;
  }
  if (session !== state.session) return false; // the answer belongs to a session that has ended
  if (response.status === 401) {
    expireSession();
    return false;
  }
  const accepted = response.ok ? readAccepted(response.body) : null;
  if (accepted) {
    startJob(accepted);
    return true;
  }
  showError(
    response.ok
      ? 'The server accepted the file but its answer was not understood.'
      : importErrorMessage(response),
  );
  return false;
}

function readAccepted(body) {
  if (!body || typeof body.batchId !== 'string' || typeof body.statusUrl !== 'string') return null;
  return {
    batchId: body.batchId,
    statusUrl: body.statusUrl,
    totalRows: toCount(body.totalRows),
    totalChunks: toCount(body.totalChunks),
  };
}

function importErrorMessage({ status, body }) {
  const message = serverMessage(body);
  switch (status) {
    case 400:
      return `The file was rejected: ${message || 'the request was not valid.'}`;
    case 403:
      return `Only administrators can import entrances.${message ? ` ${message}` : ''}`;
    case 413:
      return (
        `The file is too large to import in one go${message ? `: ${message}` : '.'} ` +
        'Split it into smaller CSV files (each keeping the header line) and import them one after the other.'
      );
    case 500:
      return `The server could not start the import: ${message || 'internal server error.'}`;
    default:
      return `The import failed with an unexpected answer (HTTP ${status})${message ? `: ${message}` : '.'}`;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Progress polling                                                                            */
/* ------------------------------------------------------------------------------------------ */

function resetResults() {
  abandonJob();
  show(el.summary, false);
  show(el.notification, false);
  el['job-error'].textContent = '';
  el['report-list'].replaceChildren();
  state.notificationId = null;
}

/** Stops watching the current batch (polls, pending lookups) without touching what is shown. */
function abandonJob() {
  state.generation += 1;
  const job = state.job;
  if (!job) return;
  clearTimeout(job.timer);
  job.controller.abort();
  state.job = null;
}

function startJob(accepted) {
  state.job = {
    ...accepted,
    controller: new AbortController(),
    timer: null,
    failures: 0,
    generation: state.generation,
  };
  el['accepted-text'].textContent =
    `Import accepted: ${plural(accepted.totalRows, 'row')} in ${plural(accepted.totalChunks, 'chunk')}`;
  renderProgress({
    status: 'pending',
    progress: { totalRows: accepted.totalRows, processedRows: 0, successes: 0, duplicates: 0, failures: 0 },
  });
  show(el['progress-section']);
  pollJob(state.job);
}

function isCurrent(job) {
  return state.job === job && job.generation === state.generation;
}

async function pollJob(job) {
  let response;
  try {
    response = await request(job.statusUrl, { signal: job.controller.signal });
  } catch (error) {
    if (!isAbort(error) && isCurrent(job)) retryPoll(job, NETWORK_MESSAGE);
    return;
  }
  if (!isCurrent(job)) return;
  if (response.status === 401) {
    expireSession();
    return;
  }
  if (response.status === 403 || response.status === 404) {
    stopJobWithError(
      `The import status is not available: ${serverMessage(response.body) || `HTTP ${response.status}`}.`,
    );
    return;
  }
  if (!response.ok || !isJobStatus(response.body)) {
    retryPoll(job, serverMessage(response.body) || `The status check failed (HTTP ${response.status}).`);
    return;
  }
  job.failures = 0;
  handleJobStatus(job, response.body);
}

function isJobStatus(body) {
  return Boolean(
    body && typeof body.status === 'string' && body.progress && typeof body.progress === 'object',
  );
}

function handleJobStatus(job, status) {
  renderProgress(status);
  if (FINAL_STATUSES.has(status.status)) {
    finishJob(job, status);
    return;
  }
  job.timer = setTimeout(() => pollJob(job), POLL_INTERVAL_MS);
}

/** A missed poll is retried; the batch runs on the server whether or not we are watching. */
function retryPoll(job, reason) {
  job.failures += 1;
  if (job.failures > MAX_POLL_FAILURES) {
    stopJobWithError(
      `Lost track of the import: ${reason} The import continues on the server; you will get a notification when it ends.`,
    );
    return;
  }
  el['status-text'].textContent = `${reason} Retrying…`;
  job.timer = setTimeout(() => pollJob(job), POLL_INTERVAL_MS);
}

function stopJobWithError(message) {
  abandonJob();
  setImportBusy(false);
  showError(message);
}

function renderProgress({ status, progress }) {
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

function finishJob(job, status) {
  state.job = null;
  setImportBusy(false);
  renderSummary(status);
  lookForNotification(job.batchId, status.status, job.generation, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Summary                                                                                     */
/* ------------------------------------------------------------------------------------------ */

function renderSummary({ status, result, progress }) {
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

/* ------------------------------------------------------------------------------------------ */
/* Notification                                                                                */
/* ------------------------------------------------------------------------------------------ */

async function lookForNotification(batchId, jobStatus, generation, attempt) {
  if (attempt === 1) showNotificationWaiting();
  let response;
  try {
    response = await request(API.notifications);
  } catch {
    response = null; // treated like "not there yet": retried below
  }
  if (generation !== state.generation) return;
  if (response?.status === 401) {
    expireSession();
    return;
  }
  const items = Array.isArray(response?.body?.items) ? response.body.items : [];
  const found = pickNotification(items, batchId, jobStatus);
  if (found) {
    renderNotification(found);
  } else if (attempt < NOTIFICATION_ATTEMPTS) {
    setTimeout(() => lookForNotification(batchId, jobStatus, generation, attempt + 1), NOTIFICATION_RETRY_MS);
  } else {
    el['notification-text'].textContent =
      'No completion notification has arrived for this import yet. It will appear in your notifications.';
  }
}

/** IMPORT_COMPLETE is expected; a failed batch may carry another type, so any notice for it will do. */
function pickNotification(items, batchId, jobStatus) {
  const forBatch = items.filter((item) => item && item.batchId === batchId);
  return (
    forBatch.find((item) => item.type === 'IMPORT_COMPLETE') ??
    (jobStatus === 'failed' ? forBatch[0] : undefined) ??
    null
  );
}

function showNotificationWaiting() {
  el['notification-text'].textContent = 'Waiting for the completion notification…';
  el['notification-state'].textContent = '';
  show(el['mark-read'], false);
  show(el.notification);
}

/** "IMPORT_COMPLETE" reads as "Import complete". */
function notificationTitle(type) {
  const words = String(type || 'import')
    .toLowerCase()
    .replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function renderNotification(notification) {
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

function renderReadState(notification) {
  const read = Boolean(notification.readAt);
  el['notification-state'].textContent = read ? 'Read' : '';
  show(el['mark-read'], !read);
  el['mark-read'].disabled = false;
}

async function onMarkRead() {
  const id = state.notificationId;
  if (id === null || id === undefined) return;
  const button = el['mark-read'];
  button.disabled = true;
  clearError();
  let response;
  try {
    response = await request(API.notification(id), { method: 'PATCH', body: { read: true } });
  } catch (error) {
    button.disabled = false;
    showError(error instanceof NetworkError ? error.message : 'Could not mark the notification as read.');
    return;
  }
  handleMarkReadResponse(response);
}

function handleMarkReadResponse({ ok, status, body }) {
  if (status === 401) {
    expireSession();
    return;
  }
  if (!ok) {
    el['mark-read'].disabled = false;
    showError(`Could not mark the notification as read: ${serverMessage(body) || `HTTP ${status}`}.`);
    return;
  }
  // Trust the success status even if the body is odd: the notice is read either way.
  renderReadState({ ...(body && typeof body === 'object' ? body : {}), readAt: body?.readAt || true });
  // The button just vanished; keep keyboard focus nearby rather than lost on <body>.
  el['notification-state'].focus();
}

/* ------------------------------------------------------------------------------------------ */
/* Start                                                                                       */
/* ------------------------------------------------------------------------------------------ */

function init() {
  el['sign-in-form'].addEventListener('submit', onSignIn);
  el['sign-out'].addEventListener('click', onSignOut);
  el['import-form'].addEventListener('submit', onImport);
  el['mark-read'].addEventListener('click', onMarkRead);
  // A fresh file choice makes earlier validation errors stale.
  el['csv-file'].addEventListener('change', clearError);
  restoreSession();
}

init();
