// @ts-check
/** The import form: check and parse the chosen file, send its rows, and hand the accepted batch to polling. */

import { API, NetworkError, request, serverMessage } from './api.js';
import { cleanRows, csvReaderLoaded, fieldMismatchNote, fileProblem, parseCsv, parseProblem } from './csv.js';
import { clearError, el, showError } from './dom.js';
import { toCount } from './format.js';
import { resetResults, startJob } from './progress.js';
import { setImportBusy, setParseNotice } from './render.js';
import { expireSession } from './session.js';
import { state } from './state.js';

/** @typedef {import('./api.js').AcceptedBatch} AcceptedBatch */
/** @typedef {import('./api.js').ApiResponse} ApiResponse */
/** @typedef {import('./api.js').JsonBody} JsonBody */

/** @param {SubmitEvent} event */
export async function onImport(event) {
  event.preventDefault();
  if (el['import-button'].disabled) return; // one import at a time, even from a keyboard Enter
  clearError();
  setParseNotice('');
  const file = el['csv-file'].files?.[0];
  const problem = fileProblem(file);
  if (problem) {
    showError(problem);
    return;
  }
  if (!csvReaderLoaded()) {
    showError('The CSV reader did not load. Reload the page and try again.');
    return;
  }
  setImportBusy(true);
  const session = state.session;
  let started = false;
  try {
    // fileProblem has refused a missing file.
    started = await parseAndSubmit(/** @type {File} */ (file), session);
  } finally {
    // After a sign-out, leaveSession already reset the button; the next session owns it now.
    if (!started && session === state.session) setImportBusy(false);
  }
}

/**
 * Resolves true when the server accepted the batch and polling has begun.
 * @param {File} file
 * @param {number} session state.session when the import started
 * @returns {Promise<boolean>}
 */
async function parseAndSubmit(file, session) {
  let results;
  try {
    results = await parseCsv(file);
  } catch (error) {
    if (session !== state.session) return false;
    const reason = /** @type {{ message?: unknown } | null | undefined} */ (error)?.message;
    showError(`The file could not be read: ${reason || 'unknown error'}.`);
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

/**
 * @param {Record<string, unknown>[]} rows
 * @param {number} session state.session when the import started
 * @returns {Promise<boolean>} true when the batch was accepted
 */
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

/**
 * @param {ApiResponse} response
 * @returns {string}
 */
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
