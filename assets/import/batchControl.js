// @ts-check
/**
 * What the batch controls do: cancel a running batch (POST /api/v1/jobs/:id/cancel), revert an ended
 * one (POST /api/v1/jobs/:id/revert, administrators), and rebuild the reports of one that failed
 * without them (POST /api/v1/jobs/:id/reports). Cancel and revert are confirmed first. A refusal is
 * said in the server's own words (its 409 texts are written for people), and the batch is then read
 * again to show it as it stands; a 401 ends the session.
 */

import { API, FINAL_STATUSES, isJobStatus, NetworkError, request, serverMessage } from './api.js';
import { renderControls, updateShownBatch } from './batchView.js';
import { confirmAction } from './confirm.js';
import { clearError, el, focusIfLost, showError } from './dom.js';
import { plural, toCount } from './format.js';
import { refreshPastImports } from './pastImports.js';
import { openBatch } from './progress.js';
import { renderProgress, renderSummary } from './render.js';
import { expireSession } from './session.js';
import { state } from './state.js';

/** @typedef {import('./api.js').JobStatus} JobStatus */
/** @typedef {import('./state.js').ShownBatch} ShownBatch */

export async function onCancelImport() {
  const batch = state.batch;
  if (!batch?.status || batch.busy) return;
  const confirmed = await confirmAction({
    title: 'Cancel this import?',
    text:
      'The rows not processed yet will not be imported; those already imported stay. The failures ' +
      'report will list the rows not processed, and can be imported again to finish the job.',
    confirm: 'Cancel import',
    dismiss: 'Keep importing',
  });
  if (!confirmed || state.batch !== batch) return;
  const cancelled = await control(batch, API.cancelJob(batch.batchId), 'The import could not be cancelled');
  if (!cancelled || state.batch !== batch) return;
  if (state.job?.batchId === batch.batchId) {
    // Its stream (or polls) brings the rest; counts only grow, so this body is no step back.
    renderProgress(cancelled);
    updateShownBatch(batch.batchId, cancelled);
  } else if (!FINAL_STATUSES.has(batch.status?.status ?? '')) {
    // The page had lost track of it: follow it to its end.
    openBatch(batch.batchId, { mine: batch.mine, notify: 'no' });
  }
  focusIfLost(el['batch-state']);
  refreshPastImports();
}

export async function onRevertImport() {
  const batch = state.batch;
  const status = batch?.status;
  if (!batch || !status || batch.busy) return;
  const counts = status.result?.summary ?? status.progress;
  const confirmed = await confirmAction({
    title: 'Revert this import?',
    text: revertText(toCount(counts.successes), toCount(counts.duplicates)),
    confirm: 'Revert import',
  });
  if (!confirmed || state.batch !== batch) return;
  const reverted = await control(batch, API.revertJob(batch.batchId), 'The import could not be reverted');
  if (!reverted || state.batch !== batch) return;
  updateShownBatch(batch.batchId, reverted);
  // The button is gone; the line that replaced it says what happened.
  el['summary-reverted'].focus();
  refreshPastImports();
}

/**
 * @param {number} entrances
 * @param {number} duplicates
 * @returns {string}
 */
function revertText(entrances, duplicates) {
  const recorded = duplicates
    ? `, and its ${plural(duplicates, 'recorded duplicate')} (those not resolved yet)`
    : '';
  return (
    `This will delete the ${plural(entrances, 'entrance')} this import created, with their caves, ` +
    `names, descriptions and locations${recorded}. This cannot be undone from the page.`
  );
}

export async function onRebuildReports() {
  const batch = state.batch;
  if (!batch || batch.busy) return;
  const reopened = await control(
    batch,
    API.rebuildReports(batch.batchId),
    'The reports could not be rebuilt',
  );
  if (!reopened || state.batch !== batch) return;
  // Back to `aggregating`: followed again until it ends, with its reports this time.
  openBatch(batch.batchId, { mine: batch.mine, notify: 'no' });
  el['progress-heading'].focus();
  refreshPastImports();
}

/**
 * POSTs one control for the shown batch. Resolves with the job as the server now has it, or null when
 * it did not succeed: the reason is shown (or the session has ended).
 * @param {ShownBatch} batch
 * @param {string} url
 * @param {string} failure what failed, e.g. "The import could not be cancelled"
 * @returns {Promise<JobStatus | null>}
 */
async function control(batch, url, failure) {
  const session = state.session;
  batch.busy = true;
  renderControls();
  clearError();
  let response;
  try {
    response = await request(url, { method: 'POST' });
  } catch (error) {
    if (session === state.session) {
      showError(
        `${failure}: ${error instanceof NetworkError ? error.message : 'the request failed unexpectedly.'}`,
      );
    }
    return null;
  } finally {
    batch.busy = false;
    if (state.batch === batch) renderControls();
  }
  if (session !== state.session) return null;
  if (response.status === 401) {
    expireSession();
    return null;
  }
  if (response.ok && isJobStatus(response.body)) return response.body;
  const message = serverMessage(response.body);
  showError(message ? `${failure}: ${message}` : `${failure} (HTTP ${response.status}).`);
  // Ended, reverted or rebuilt meanwhile (by another tab or person): show it as it now stands.
  if (response.status === 409) await readAgain(batch);
  return null;
}

/**
 * Reads the shown batch again, unless the page follows it (its stream shows every change).
 * @param {ShownBatch} batch
 */
async function readAgain(batch) {
  if (state.job?.batchId === batch.batchId) return;
  let response;
  try {
    response = await request(API.job(batch.batchId));
  } catch {
    return; // the error shown already says enough
  }
  if (state.batch !== batch || !response.ok || !isJobStatus(response.body)) return;
  const status = response.body;
  if (!FINAL_STATUSES.has(status.status)) {
    openBatch(batch.batchId, { mine: batch.mine, notify: 'no' });
    return;
  }
  renderSummary(status, batch.batchId);
  batch.status = status;
  renderControls();
}
