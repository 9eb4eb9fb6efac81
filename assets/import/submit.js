// @ts-check
/**
 * The import form's submit: checks the chosen file first when the server has not checked it yet,
 * then sends the file that was checked, in the encoding it was checked in, and hands the accepted
 * batch to polling.
 */

import { API, request } from './api.js';
import { checkFile, resetCheck, uploadFailure } from './checkStep.js';
import { csvContentType } from './csv.js';
import { clearError, el, focusIfLost, showError } from './dom.js';
import { toCount } from './format.js';
import { rowsRefusalMessage } from './messages.js';
import { resetResults, startJob } from './progress.js';
import { setImportBusy } from './render.js';
import { expireSession } from './session.js';
import { state } from './state.js';

/** @typedef {import('./api.js').AcceptedBatch} AcceptedBatch */
/** @typedef {import('./api.js').JsonBody} JsonBody */
/** @typedef {import('./state.js').CheckedFile} CheckedFile */

/** @param {SubmitEvent} event */
export async function onImport(event) {
  event.preventDefault();
  // One check or import at a time, even from a keyboard Enter.
  if (state.importing || state.checking) return;
  const file = el['csv-file'].files?.[0];
  const checked = state.check;
  if (!checked || checked.file !== file) {
    await checkFile(file);
    return;
  }
  clearError();
  setImportBusy(true);
  const session = state.session;
  let started = false;
  try {
    started = await submitFile(checked, session);
  } finally {
    // After a sign-out, leaveSession already reset the button; the next session owns it now.
    if (!started && session === state.session) setImportBusy(false);
  }
  if (started) {
    // What was checked is being imported: checking the file again would now find its own rows. (A
    // file chosen meanwhile keeps its own check.)
    if (state.check === checked) resetCheck();
    focusIfLost(el['progress-heading']);
  }
}

/**
 * @param {CheckedFile} checked
 * @param {number} session state.session when the import started
 * @returns {Promise<boolean>} true when the batch was accepted and polling has begun
 */
async function submitFile({ file, charset, idempotencyKey }, session) {
  let response;
  try {
    response = await request(API.importRows, {
      method: 'POST',
      upload: { file, type: csvContentType(charset) },
      idempotencyKey,
    });
  } catch (error) {
    const message = await uploadFailure(file, error, 'The import request failed unexpectedly.');
    if (session !== state.session) return false;
    showError(message);
    // A file that can no longer be read was let go of: its check no longer applies.
    if (!el['csv-file'].files?.length) resetCheck();
    return false;
  }
  if (session !== state.session) return false; // the answer belongs to a session that has ended
  if (response.status === 401) {
    expireSession();
    return false;
  }
  const accepted = response.ok ? readAccepted(response.body) : null;
  if (accepted) {
    resetResults();
    startJob(accepted);
    return true;
  }
  showError(
    response.ok
      ? 'The server accepted the file but its answer was not understood.'
      : rowsRefusalMessage('import', response),
  );
  return false;
}

/**
 * @param {JsonBody} body
 * @returns {AcceptedBatch | null}
 */
function readAccepted(body) {
  if (!body || typeof body.batchId !== 'string' || typeof body.statusUrl !== 'string') return null;
  return {
    batchId: body.batchId,
    statusUrl: body.statusUrl,
    totalRows: toCount(body.totalRows),
    totalChunks: toCount(body.totalChunks),
  };
}
