// @ts-check
/** The page's elements, and the small show/hide and error helpers every part of the page uses. */

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Every element the script touches, by id. index.html holds each of them, so none is null; they are
 * looked up once, when this module first runs (module scripts run after the document is parsed).
 */
export const el = {
  session: byId('session'),
  'session-text': byId('session-text'),
  'session-note': byId('session-note'),
  'sign-out': byId('sign-out'),
  error: byId('error'),
  'sign-in-section': byId('sign-in-section'),
  'sign-in-form': /** @type {HTMLFormElement} */ (byId('sign-in-form')),
  email: /** @type {HTMLInputElement} */ (byId('email')),
  password: /** @type {HTMLInputElement} */ (byId('password')),
  'sign-in': /** @type {HTMLButtonElement} */ (byId('sign-in')),
  'import-section': byId('import-section'),
  'import-heading': byId('import-heading'),
  'import-form': /** @type {HTMLFormElement} */ (byId('import-form')),
  'csv-file': /** @type {HTMLInputElement} */ (byId('csv-file')),
  'import-button': /** @type {HTMLButtonElement} */ (byId('import-button')),
  'parse-notice': byId('parse-notice'),
  'progress-section': byId('progress-section'),
  'accepted-text': byId('accepted-text'),
  'import-progress': /** @type {HTMLProgressElement} */ (byId('import-progress')),
  'status-text': byId('status-text'),
  'progress-successes': byId('progress-successes'),
  'progress-duplicates': byId('progress-duplicates'),
  'progress-failures': byId('progress-failures'),
  summary: byId('summary'),
  'summary-heading': byId('summary-heading'),
  'job-error': byId('job-error'),
  'summary-successes': byId('summary-successes'),
  'summary-duplicates': byId('summary-duplicates'),
  'summary-failures': byId('summary-failures'),
  reports: byId('reports'),
  'report-list': byId('report-list'),
  notification: byId('notification'),
  'notification-text': byId('notification-text'),
  'notification-state': byId('notification-state'),
  'mark-read': /** @type {HTMLButtonElement} */ (byId('mark-read')),
};

/**
 * @param {HTMLElement} node
 * @param {boolean} [visible]
 */
export function show(node, visible = true) {
  node.hidden = !visible;
}

/** @param {string} message */
export function showError(message) {
  el.error.textContent = message;
  // The region sits above the forms; on a small screen the user may have scrolled past it.
  el.error.scrollIntoView({ block: 'nearest' });
}

export function clearError() {
  el.error.textContent = '';
}
