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
  unread: byId('unread'),
  'unread-badge': byId('unread-badge'),
  'unread-text': byId('unread-text'),
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
  'recheck-button': /** @type {HTMLButtonElement} */ (byId('recheck-button')),
  'parse-notice': byId('parse-notice'),
  'check-status': byId('check-status'),
  'check-result': byId('check-result'),
  'check-created': byId('check-created'),
  'check-duplicates': byId('check-duplicates'),
  'check-failures': byId('check-failures'),
  'check-failure-block': byId('check-failure-block'),
  'check-failure-caption': byId('check-failure-caption'),
  'check-failure-rows': byId('check-failure-rows'),
  'check-more': byId('check-more'),
  'progress-section': byId('progress-section'),
  'progress-heading': byId('progress-heading'),
  'accepted-text': byId('accepted-text'),
  'import-progress': /** @type {HTMLProgressElement} */ (byId('import-progress')),
  'status-text': byId('status-text'),
  'progress-announcement': byId('progress-announcement'),
  'progress-successes': byId('progress-successes'),
  'progress-duplicates': byId('progress-duplicates'),
  'progress-failures': byId('progress-failures'),
  'batch-state': byId('batch-state'),
  'progress-actions': byId('progress-actions'),
  'cancel-import': /** @type {HTMLButtonElement} */ (byId('cancel-import')),
  summary: byId('summary'),
  'summary-heading': byId('summary-heading'),
  'job-error': byId('job-error'),
  'summary-note': byId('summary-note'),
  'summary-reverted': byId('summary-reverted'),
  'summary-actions': byId('summary-actions'),
  'rebuild-reports': /** @type {HTMLButtonElement} */ (byId('rebuild-reports')),
  'revert-import': /** @type {HTMLButtonElement} */ (byId('revert-import')),
  'summary-successes': byId('summary-successes'),
  'summary-duplicates': byId('summary-duplicates'),
  'summary-failures': byId('summary-failures'),
  'summary-batch': byId('summary-batch'),
  'summary-duplicates-link': byId('summary-duplicates-link'),
  'review-duplicates': /** @type {HTMLAnchorElement} */ (byId('review-duplicates')),
  reports: byId('reports'),
  'report-list': byId('report-list'),
  notification: byId('notification'),
  'notification-text': byId('notification-text'),
  'notification-state': byId('notification-state'),
  'mark-read': /** @type {HTMLButtonElement} */ (byId('mark-read')),
  'imports-section': byId('imports-section'),
  'imports-heading': byId('imports-heading'),
  'imports-scope': byId('imports-scope'),
  'imports-all': /** @type {HTMLInputElement} */ (byId('imports-all')),
  'imports-error': byId('imports-error'),
  'imports-status': byId('imports-status'),
  'imports-list': /** @type {HTMLOListElement} */ (byId('imports-list')),
  'imports-pager': byId('imports-pager'),
  'imports-prev': /** @type {HTMLButtonElement} */ (byId('imports-prev')),
  'imports-range': byId('imports-range'),
  'imports-next': /** @type {HTMLButtonElement} */ (byId('imports-next')),
  'duplicates-section': byId('duplicates-section'),
  'duplicates-heading': byId('duplicates-heading'),
  'duplicates-intro': byId('duplicates-intro'),
  'duplicates-form': /** @type {HTMLFormElement} */ (byId('duplicates-form')),
  'duplicates-batch': /** @type {HTMLInputElement} */ (byId('duplicates-batch')),
  'duplicates-open': /** @type {HTMLButtonElement} */ (byId('duplicates-open')),
  'duplicates-error': byId('duplicates-error'),
  'duplicates-status': byId('duplicates-status'),
  'duplicates-view': byId('duplicates-view'),
  'duplicates-bulk': byId('duplicates-bulk'),
  'duplicates-select-all': /** @type {HTMLInputElement} */ (byId('duplicates-select-all')),
  'duplicates-selected': byId('duplicates-selected'),
  'import-selected': /** @type {HTMLButtonElement} */ (byId('import-selected')),
  'discard-selected': /** @type {HTMLButtonElement} */ (byId('discard-selected')),
  'duplicates-list': /** @type {HTMLOListElement} */ (byId('duplicates-list')),
  'duplicates-prev': /** @type {HTMLButtonElement} */ (byId('duplicates-prev')),
  'duplicates-range': byId('duplicates-range'),
  'duplicates-next': /** @type {HTMLButtonElement} */ (byId('duplicates-next')),
  'confirm-dialog': /** @type {HTMLDialogElement} */ (byId('confirm-dialog')),
  'confirm-title': byId('confirm-title'),
  'confirm-text': byId('confirm-text'),
  'confirm-ok': /** @type {HTMLButtonElement} */ (byId('confirm-ok')),
  'confirm-cancel': /** @type {HTMLButtonElement} */ (byId('confirm-cancel')),
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

/**
 * Moves focus to `node` when it has been lost: on the page itself, or on a button that has just been
 * disabled or hidden (as the form's button is while a check or an import runs). Focus the user has
 * put elsewhere meanwhile stays where it is.
 * @param {HTMLElement} node
 */
export function focusIfLost(node) {
  const active = document.activeElement;
  const lost =
    !active ||
    active === document.body ||
    (active instanceof HTMLButtonElement && (active.disabled || active.hidden)) ||
    // inside a part of the page just hidden (a button row, a section)
    (active instanceof HTMLElement && active.closest('[hidden]') !== null) ||
    !active.isConnected;
  if (lost) node.focus();
}
