// @ts-check
/**
 * Admin page: sign in; choose a Karstlink CSV file, which the server checks (dry run) before the
 * import is offered; import it and follow the batch until it ends (its event stream, or polling),
 * then show its summary, its report links and the completion notification; cancel a running batch,
 * revert an ended one, rebuild missing reports; list past imports; review the duplicates an import
 * recorded; and keep an eye on unread notifications in the header.
 *
 * The entry module: it wires the page's events and routes its addresses. Every piece of
 * server-provided text goes into the page through textContent, never innerHTML.
 */

import { BATCH_ID } from './api.js';
import { onCancelImport, onRebuildReports, onRevertImport } from './batchControl.js';
import { onFileChosen, onRecheck } from './checkStep.js';
import { el, showError } from './dom.js';
import {
  onDiscardSelected,
  onImportSelected,
  onListChange,
  onListClick,
  onSelectAll,
} from './duplicateActions.js';
import { onNextPage, onOpenDuplicates, onPreviousPage, onReviewLink, openFromHash } from './duplicates.js';
import { onMarkRead } from './notification.js';
import {
  focusPastImports,
  imports,
  onImportsNext,
  onImportsPrevious,
  onImportsScope,
  startPastImports,
} from './pastImports.js';
import { openBatch } from './progress.js';
import { onSignIn, onSignOut, restoreSession } from './session.js';
import { state } from './state.js';
import { onImport } from './submit.js';

/**
 * The page's addresses, once signed in: `#batch=<batchId>` a batch's progress and summary,
 * `#imports` the past imports, `#duplicates[=<batchId>]` the duplicates view.
 */
function route() {
  if (!state.token) return;
  const hash = window.location.hash;
  const batch = /^#batch=([^&]*)$/.exec(hash);
  if (batch) openLinkedBatch(decodeHashValue(batch[1]));
  else if (hash === '#imports') focusPastImports();
  else openFromHash();
}

/** @param {string} value */
function decodeHashValue(value) {
  try {
    return decodeURIComponent(value).trim();
  } catch {
    return value;
  }
}

/** @param {string} batchId */
function openLinkedBatch(batchId) {
  if (!BATCH_ID.test(batchId)) {
    showError('This link names no import: a batch id looks like 3f2b8c1e-5d6a-4f7b-9c0d-1e2f3a4b5c6d.');
    return;
  }
  // The batch shown already (the page wrote its address itself, or the user came back to it).
  if (state.batch?.batchId === batchId) return;
  openBatch(batchId, { mine: false });
  el['progress-heading'].focus();
}

/** An entry of the past imports: opens its batch. @param {MouseEvent} event */
function onImportsClick(event) {
  const link = /** @type {HTMLElement} */ (event.target).closest('a.import-link');
  if (!(link instanceof HTMLAnchorElement) || !link.dataset.batchId) return;
  event.preventDefault();
  if (window.location.hash !== link.hash) window.history.pushState(null, '', link.hash);
  // From the user's own list, the batch is theirs: they may cancel it.
  openBatch(link.dataset.batchId, { mine: !imports.all });
  el['progress-heading'].focus();
}

/** A session has started (signed in, or a token kept from earlier in this tab). */
function afterSignIn() {
  if (!state.token) return;
  startPastImports();
  route();
}

function init() {
  el['sign-in-form'].addEventListener('submit', (event) => {
    // Signed in from a link (to a batch, the duplicates view): open it once the session has started.
    onSignIn(event).then(afterSignIn);
  });
  el['sign-out'].addEventListener('click', onSignOut);
  el['import-form'].addEventListener('submit', onImport);
  // A fresh file choice makes earlier errors and the earlier check stale, and starts a new check.
  el['csv-file'].addEventListener('change', onFileChosen);
  el['recheck-button'].addEventListener('click', onRecheck);
  el['cancel-import'].addEventListener('click', onCancelImport);
  el['revert-import'].addEventListener('click', onRevertImport);
  el['rebuild-reports'].addEventListener('click', onRebuildReports);
  el['mark-read'].addEventListener('click', onMarkRead);
  el['review-duplicates'].addEventListener('click', onReviewLink);
  el['imports-list'].addEventListener('click', onImportsClick);
  el['imports-all'].addEventListener('change', onImportsScope);
  el['imports-prev'].addEventListener('click', onImportsPrevious);
  el['imports-next'].addEventListener('click', onImportsNext);
  el['duplicates-form'].addEventListener('submit', onOpenDuplicates);
  el['duplicates-list'].addEventListener('click', onListClick);
  el['duplicates-list'].addEventListener('change', onListChange);
  el['duplicates-select-all'].addEventListener('change', onSelectAll);
  el['discard-selected'].addEventListener('click', onDiscardSelected);
  el['import-selected'].addEventListener('click', onImportSelected);
  el['duplicates-prev'].addEventListener('click', onPreviousPage);
  el['duplicates-next'].addEventListener('click', onNextPage);
  window.addEventListener('hashchange', route);
  restoreSession();
  afterSignIn();
}

init();
