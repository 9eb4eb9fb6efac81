// @ts-check
/**
 * The check step: once a file is chosen, the page sends the file itself to the dry run
 * (POST /api/v1/entrances/check-rows?summary=true, text/csv), then shows what an import would do (three
 * counts and the first rows that would fail, by line) before offering the import. Choosing another
 * file starts over.
 *
 * The browser sends the file from disk: the page never holds it, so a file of a million rows checks
 * like a small one. Before sending, the page streams it once to name its encoding (csv.js); the server
 * reads and parses it, numbering rows by the file's lines; the import then sends the very same file in
 * the same encoding.
 */

import { API, checkedRows, NetworkError, request } from './api.js';
import { csvContentType, detectCharset, fileProblem, readIds, stillReadable } from './csv.js';
import { clearError, el, focusIfLost, show, showError } from './dom.js';
import { plural, toCount } from './format.js';
import { rowsRefusalMessage } from './messages.js';
import { setParseNotice, updateImportButton } from './render.js';
import { expireSession } from './session.js';
import { forgetCheck, state } from './state.js';

/** @typedef {import('./api.js').CheckSummary} CheckSummary */
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
 * Finds the file's encoding and asks the server what an import of it would do. Resolves once it has
 * answered (or failed, saying why); the answer of a check made stale meanwhile is dropped.
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
  let charset;
  try {
    charset = await detectCharset(file);
  } catch (error) {
    if (!current()) return;
    setCheckStatus('');
    letGoOfFile();
    const reason = /** @type {{ message?: unknown } | null | undefined} */ (error)?.message;
    showError(
      `The file could not be read: ${reason || 'unknown error'}. If it was changed since you chose it, choose it again.`,
    );
    return;
  }
  if (!current()) return;
  setParseNotice(
    charset === 'windows-1252'
      ? 'The file is not UTF-8; it is sent as Windows-1252 (Excel’s plain CSV format). Check that accents look right in the imported entrances.'
      : '',
  );
  setCheckStatus(`Checking “${file.name}” (${formatSize(file.size)}) with the server…`);
  let response;
  try {
    response = await request(API.checkRowsSummary, {
      method: 'POST',
      upload: { file, type: csvContentType(charset) },
    });
  } catch (error) {
    if (!current()) return;
    setCheckStatus('');
    showError(await uploadFailure(file, error, 'The check request failed unexpectedly.'));
    return;
  }
  if (!current()) return;
  if (response.status === 401) {
    expireSession();
    return;
  }
  const result = response.ok ? readCheckSummary(response.body) : null;
  if (!result) {
    setCheckStatus('');
    showError(
      response.ok
        ? 'The server checked the file but its answer was not understood.'
        : rowsRefusalMessage('check', response),
    );
    return;
  }
  const shown = result.wontBeCreated.slice(0, SHOWN_FAILURES);
  // The ids only help find the rows: without them (a file that can no longer be read), lines do.
  const ids = await readIds(
    file,
    charset,
    shown.map(({ line }) => line),
  ).catch(() => new Map());
  if (!current()) return;
  state.check = { file, charset, result, idempotencyKey: newIdempotencyKey() };
  renderCheck(file, result, ids);
}

/**
 * Why an upload of the file got no answer: the file changed on disk since it was chosen (the browser
 * then stops sending it), or the network.
 * @param {File} file
 * @param {unknown} error what the request threw
 * @param {string} otherwise the message for an error that is neither
 * @returns {Promise<string>}
 */
export async function uploadFailure(file, error, otherwise) {
  if (!(await stillReadable(file))) {
    letGoOfFile();
    return `“${file.name}” can no longer be read: it was probably changed since you chose it. Choose it again.`;
  }
  return error instanceof NetworkError ? error.message : otherwise;
}

/**
 * Empties the file input once its file cannot be read: the browser would not see choosing the same
 * file again (the same path) as a new choice, and would keep the unreadable copy.
 */
function letGoOfFile() {
  el['csv-file'].value = '';
}

/**
 * "12.3 MB", "850 KB".
 * @param {number} bytes
 * @returns {string}
 */
function formatSize(bytes) {
  if (bytes < 1000) return plural(bytes, 'byte');
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * The `?summary=true` answer: the three counts and the first failures by line.
 * @param {JsonBody} body
 * @returns {CheckSummary | null}
 */
function readCheckSummary(body) {
  const counts = body?.counts;
  if (!counts || typeof counts !== 'object' || !Array.isArray(body.wontBeCreated)) return null;
  const { willBeCreated, willBeCreatedAsDuplicates, wontBeCreated } = /** @type {Record<string, unknown>} */ (
    counts
  );
  return {
    counts: {
      willBeCreated: toCount(willBeCreated),
      willBeCreatedAsDuplicates: toCount(willBeCreatedAsDuplicates),
      wontBeCreated: toCount(wontBeCreated),
    },
    wontBeCreated: body.wontBeCreated.map((item) => ({
      line: toCount(item?.line),
      message: typeof item?.message === 'string' ? item.message : 'No reason given.',
    })),
  };
}

/**
 * @param {File} file
 * @param {CheckSummary} result
 * @param {Map<number, string>} ids the `id` of the failing rows shown, by line
 */
function renderCheck(file, result, ids) {
  const {
    willBeCreated: created,
    willBeCreatedAsDuplicates: duplicates,
    wontBeCreated: failures,
  } = result.counts;
  el['check-created'].textContent = String(created);
  el['check-duplicates'].textContent = String(duplicates);
  el['check-failures'].textContent = String(failures);
  renderFailures(result.wontBeCreated, failures, ids);
  show(el['check-result']);
  setCheckStatus(
    `Check of “${file.name}” complete: ${created} will be created, ${duplicates} will be duplicates, ` +
      `${failures} won’t be created. Nothing has been imported yet; Import sends all ${plural(checkedRows(result), 'row')}.`,
  );
}

/**
 * The first failures, one table row each: the line, the row's `id` (from the file), the reason.
 * @param {CheckSummary['wontBeCreated']} failures the first ones, in line order
 * @param {number} total how many rows fail in all
 * @param {Map<number, string>} ids
 */
function renderFailures(failures, total, ids) {
  const shown = failures.slice(0, SHOWN_FAILURES);
  el['check-failure-rows'].replaceChildren(
    ...shown.map(({ line, message }) => {
      const id = ids.get(line);
      return tableRow([String(line), typeof id === 'string' && id.trim() ? id : '—', message]);
    }),
  );
  el['check-failure-caption'].textContent =
    total > shown.length
      ? `The first ${shown.length} of ${total} rows that won’t be created`
      : `Rows that won’t be created (${total})`;
  const more = total - shown.length;
  el['check-more'].textContent =
    more > 0
      ? `…and ${plural(more, 'more row')} not shown. The failures report of the import lists every one, ready to fix and import again.`
      : '';
  show(el['check-more'], more > 0);
  show(el['check-failure-block'], total > 0);
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

/**
 * A random UUID (version 4). crypto.randomUUID exists in secure contexts only; the page may be
 * served over plain HTTP inside a network, where getRandomValues still works.
 * @returns {string}
 */
function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
