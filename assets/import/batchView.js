// @ts-check
/**
 * The controls of the batch shown in the progress and summary sections: Cancel while it runs (for its
 * initiator and administrators; not once it writes its reports, every row being processed then),
 * "Cancelling…" once asked, and, once it has ended, Revert (for administrators) or "Reverted on
 * <date>", and "Rebuild reports" when it failed without any. What they do is in batchControl.js;
 * the server checks every permission again.
 */

import { CANCELLABLE_STATUSES, FINAL_STATUSES, RUNNING_STATUSES } from './api.js';
import { el, show } from './dom.js';
import { formatTime } from './render.js';
import { state } from './state.js';

/** @typedef {import('./api.js').JobStatus} JobStatus */
/** @typedef {import('./state.js').ShownBatch} ShownBatch */

/**
 * Makes this batch the one shown: its controls follow its status from now on.
 * @param {string} batchId
 * @param {JobStatus | null} status what is known of it yet
 * @param {boolean} mine
 */
export function showBatch(batchId, status, mine) {
  state.batch = { batchId, status, mine, busy: false };
  renderControls();
}

/**
 * A newer body of the shown batch (one for another batch is ignored). Following it again after a
 * rebuild of its reports starts over with showBatch.
 * @param {string} batchId
 * @param {JobStatus} status
 */
export function updateShownBatch(batchId, status) {
  if (state.batch?.batchId !== batchId) return;
  // A late answer (a cancel's 202 after the last event) never takes an ended batch back to running.
  const current = state.batch.status;
  if (current && FINAL_STATUSES.has(current.status) && !FINAL_STATUSES.has(status.status)) return;
  state.batch.status = status;
  renderControls();
}

/** No batch is shown any more. */
export function forgetShownBatch() {
  state.batch = null;
  renderControls();
}

/**
 * Its initiator and administrators may cancel it and rebuild its reports.
 * @param {ShownBatch} batch
 */
export function canControl(batch) {
  return batch.mine || state.roles.administrator;
}

/**
 * Whether the batch has at least one report to offer.
 * @param {JobStatus} status
 */
export function hasReports(status) {
  const urls = status.result?.reportUrls ?? {};
  return Object.values(urls).some((url) => typeof url === 'string' && url !== '');
}

export function renderControls() {
  const batch = state.batch;
  const status = batch?.status ?? null;
  const running = Boolean(status && RUNNING_STATUSES.has(status.status));
  const cancelling = running && Boolean(status?.cancelledAt);
  const ended = Boolean(status && FINAL_STATUSES.has(status.status));
  const reverted = ended && Boolean(status?.revertedAt);

  const cancellable = Boolean(status && CANCELLABLE_STATUSES.has(status.status));
  show(el['progress-actions'], Boolean(batch && cancellable && !cancelling && canControl(batch)));
  el['batch-state'].textContent = cancelling
    ? 'Cancelling: the chunks not started yet will not run; their rows will be listed in failures.csv, to import again.'
    : '';

  const revertable = ended && !reverted && state.roles.administrator;
  const rebuildable = Boolean(
    batch && status?.status === 'failed' && !reverted && !hasReports(status) && canControl(batch),
  );
  show(el['revert-import'], revertable);
  show(el['rebuild-reports'], rebuildable);
  show(el['summary-actions'], revertable || rebuildable);
  const busy = Boolean(batch?.busy);
  for (const button of [el['cancel-import'], el['revert-import'], el['rebuild-reports']]) {
    button.setAttribute('aria-disabled', String(busy));
  }

  el['summary-reverted'].replaceChildren();
  if (reverted && status) {
    const time = document.createElement('time');
    time.dateTime = String(status.revertedAt);
    time.textContent = formatTime(status.revertedAt);
    el['summary-reverted'].append(
      'Reverted on ',
      time,
      ': the entrances this import created are deleted, and so are its duplicates.',
    );
    // Its duplicates are gone: nothing left to review.
    show(el['summary-duplicates-link'], false);
  }
}
