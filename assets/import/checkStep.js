// @ts-check
/**
 * The check step: once a file is chosen, the page reads it and sends every row of it to the dry run
 * (POST /api/v1/entrances/check-rows), then shows what an import would do (three counts and the first
 * rows that would fail, by line) before offering the import. Choosing another file starts over.
 *
 * All the rows of the file are sent, never a subset, so the line numbers the server gives are the
 * file's (row i is line i + 2); the import then sends the very same rows.
 */

import { API, NetworkError, request } from './api.js';
import { csvReaderLoaded, fileProblem, readCsvFile } from './csv.js';
import { clearError, el, focusIfLost, show, showError } from './dom.js';
import { plural, toCount } from './format.js';
import { rowsRefusalMessage } from './messages.js';
import { setParseNotice, updateImportButton } from './render.js';
import { expireSession } from './session.js';
import { forgetCheck, state } from './state.js';

/** @typedef {import('./api.js').CheckResult} CheckResult */
/** @typedef {import('./api.js').JsonBody} JsonBody */

/** Failures listed in the table; the failures report of the import lists every one. */
export const SHOWN_FAILURES = 50;

/** A new file choice: whatever was checked before no longer applies. */
export function onFileChosen() {
  clearError();
  resetCheck();
  const file = el['csv-file'].files?.[0];
  if (file) checkFile(file);
  else updateImportButton();
}

/** "Check again": the same file, read again (e.g. after it was fixed and saved in a spreadsheet). */
export function onRecheck() {
  const file = el['csv-file'].files?.[0];
  resetCheck();
  // The button disappears while the check runs; the status line says what happens.
  el['check-status'].focus();
  checkFile(file);
}

/** Hides the last check and makes any check still running stale. */
export function resetCheck() {
  forgetCheck();
  setParseNotice('');
  setCheckStatus('');
  show(el['check-result'], false);
  el['check-failure-rows'].replaceChildren();
  updateImportButton();
}

/** @param {string} text */
function setCheckStatus(text) {
  el['check-status'].textContent = text;
}

/**
 * Reads the file and asks the server what an import of it would do. Resolves once it has answered
 * (or failed, saying why); the answer of a check made stale meanwhile is dropped.
 * @param {File | undefined} file
 * @returns {Promise<void>}
 */
export async function checkFile(file) {
  clearError();
  const problem = fileProblem(file);
  if (problem) {
    showError(problem);
    return;
  }
  if (!csvReaderLoaded()) {
    showError('The CSV reader did not load. Reload the page and try again.');
    return;
  }
  const chosen = /** @type {File} */ (file);
  forgetCheck();
  const generation = state.checkGeneration;
  const session = state.session;
  const current = () => generation === state.checkGeneration && session === state.session;
  state.checking = true;
  updateImportButton();
  setCheckStatus(`Reading “${chosen.name}”…`);
  try {
    await readAndCheck(chosen, current);
  } finally {
    if (current()) {
      state.checking = false;
      updateImportButton();
      // A keyboard user who pressed "Check file" had focus on the button while it was disabled.
      focusIfLost(el['import-button']);
    }
  }
}

/**
 * @param {File} file
 * @param {() => boolean} current false once the check is stale
 */
async function readAndCheck(file, current) {
  let read;
  try {
    read = await readCsvFile(file);
  } catch (error) {
    if (!current()) return;
    setCheckStatus('');
    const reason = /** @type {{ message?: unknown } | null | undefined} */ (error)?.message;
    showError(
      `The file could not be read: ${reason || 'unknown error'}. If it was changed since you chose it, choose it again.`,
    );
    return;
  }
  if (!current()) return;
  if (read.problem) {
    setCheckStatus('');
    showError(read.problem);
    return;
  }
  setParseNotice(read.notes.join(' '));
  setCheckStatus(`Checking ${plural(read.rows.length, 'row')} of “${file.name}” with the server…`);
  let response;
  try {
    response = await request(API.checkRows, { method: 'POST', body: { data: read.rows } });
  } catch (error) {
    if (!current()) return;
    setCheckStatus('');
    showError(error instanceof NetworkError ? error.message : 'The check request failed unexpectedly.');
    return;
  }
  if (!current()) return;
  if (response.status === 401) {
    expireSession();
    return;
  }
  const result = response.ok ? readCheckResult(response.body) : null;
  if (!result) {
    setCheckStatus('');
    showError(
      response.ok
        ? 'The server checked the file but its answer was not understood.'
        : rowsRefusalMessage('check', response),
    );
    return;
  }
  state.check = { file, rows: read.rows, result };
  renderCheck(file, read.rows, result);
}

/**
 * @param {JsonBody} body
 * @returns {CheckResult | null}
 */
function readCheckResult(body) {
  if (
    !body ||
    !Array.isArray(body.willBeCreated) ||
    !Array.isArray(body.willBeCreatedAsDuplicates) ||
    !Array.isArray(body.wontBeCreated)
  ) {
    return null;
  }
  return {
    willBeCreated: body.willBeCreated,
    willBeCreatedAsDuplicates: body.willBeCreatedAsDuplicates,
    wontBeCreated: body.wontBeCreated.map((item) => ({
      line: toCount(item?.line),
      message: typeof item?.message === 'string' ? item.message : 'No reason given.',
    })),
  };
}

/**
 * @param {File} file
 * @param {Record<string, unknown>[]} rows
 * @param {CheckResult} result
 */
function renderCheck(file, rows, result) {
  const created = result.willBeCreated.length;
  const duplicates = result.willBeCreatedAsDuplicates.length;
  const failures = result.wontBeCreated.length;
  el['check-created'].textContent = String(created);
  el['check-duplicates'].textContent = String(duplicates);
  el['check-failures'].textContent = String(failures);
  renderFailures(rows, result.wontBeCreated);
  show(el['check-result']);
  setCheckStatus(
    `Check of “${file.name}” complete: ${created} will be created, ${duplicates} will be duplicates, ` +
      `${failures} won’t be created. Nothing has been imported yet; Import sends all ${plural(rows.length, 'row')}.`,
  );
}

/**
 * The first failures, one table row each: the line, the row's `id` (from the file), the reason.
 * @param {Record<string, unknown>[]} rows
 * @param {CheckResult['wontBeCreated']} failures
 */
function renderFailures(rows, failures) {
  const shown = failures.slice(0, SHOWN_FAILURES);
  el['check-failure-rows'].replaceChildren(
    ...shown.map(({ line, message }) => {
      const id = rows[line - 2]?.id;
      return tableRow([String(line), typeof id === 'string' && id.trim() ? id : '—', message]);
    }),
  );
  el['check-failure-caption'].textContent =
    failures.length > shown.length
      ? `The first ${shown.length} of ${failures.length} rows that won’t be created`
      : `Rows that won’t be created (${failures.length})`;
  const more = failures.length - shown.length;
  el['check-more'].textContent =
    more > 0
      ? `…and ${plural(more, 'more row')} not shown. The failures report of the import lists every one, ready to fix and import again.`
      : '';
  show(el['check-more'], more > 0);
  show(el['check-failure-block'], failures.length > 0);
}

/**
 * @param {string[]} cells line (a header cell of its row), id, reason
 * @returns {HTMLTableRowElement}
 */
function tableRow(cells) {
  const row = document.createElement('tr');
  cells.forEach((text, index) => {
    const cell = document.createElement(index === 0 ? 'th' : 'td');
    if (index === 0) {
      cell.scope = 'row';
      cell.className = 'number';
    }
    cell.textContent = text;
    row.append(cell);
  });
  return row;
}
