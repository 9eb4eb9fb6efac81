// @ts-check
/**
 * Admin page: sign in; choose a Karstlink CSV file, which the server checks (dry run) before the
 * import is offered; import it and follow the batch until it ends, then show its summary, its report
 * links and the completion notification; review the duplicates an import recorded; and keep an eye
 * on unread notifications in the header.
 *
 * The entry module: it wires the page's events. Every piece of server-provided text goes into the
 * page through textContent, never innerHTML.
 */

import { onFileChosen, onRecheck } from './checkStep.js';
import { el } from './dom.js';
import {
  onDiscardSelected,
  onImportSelected,
  onListChange,
  onListClick,
  onSelectAll,
} from './duplicateActions.js';
import { onNextPage, onOpenDuplicates, onPreviousPage, onReviewLink, openFromHash } from './duplicates.js';
import { onMarkRead } from './notification.js';
import { onSignIn, onSignOut, restoreSession } from './session.js';
import { onImport } from './submit.js';

function init() {
  el['sign-in-form'].addEventListener('submit', (event) => {
    // Signed in from a link to the duplicates view: open it once the session has started.
    onSignIn(event).then(openFromHash);
  });
  el['sign-out'].addEventListener('click', onSignOut);
  el['import-form'].addEventListener('submit', onImport);
  // A fresh file choice makes earlier errors and the earlier check stale, and starts a new check.
  el['csv-file'].addEventListener('change', onFileChosen);
  el['recheck-button'].addEventListener('click', onRecheck);
  el['mark-read'].addEventListener('click', onMarkRead);
  el['review-duplicates'].addEventListener('click', onReviewLink);
  el['duplicates-form'].addEventListener('submit', onOpenDuplicates);
  el['duplicates-list'].addEventListener('click', onListClick);
  el['duplicates-list'].addEventListener('change', onListChange);
  el['duplicates-select-all'].addEventListener('change', onSelectAll);
  el['discard-selected'].addEventListener('click', onDiscardSelected);
  el['import-selected'].addEventListener('click', onImportSelected);
  el['duplicates-prev'].addEventListener('click', onPreviousPage);
  el['duplicates-next'].addEventListener('click', onNextPage);
  window.addEventListener('hashchange', openFromHash);
  restoreSession();
  openFromHash();
}

init();
