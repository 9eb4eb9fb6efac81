// @ts-check
/**
 * Admin page: sign in, send a Karstlink CSV file to the import API, follow the batch until it ends,
 * then show its summary, its report links and the completion notification.
 *
 * The entry module, loaded after /vendor/papaparse.min.js, which defines the global `Papa`; it wires
 * the page's events. Every piece of server-provided text goes into the page through textContent,
 * never innerHTML.
 */

import { clearError, el } from './dom.js';
import { onMarkRead } from './notification.js';
import { onSignIn, onSignOut, restoreSession } from './session.js';
import { onImport } from './submit.js';

function init() {
  el['sign-in-form'].addEventListener('submit', onSignIn);
  el['sign-out'].addEventListener('click', onSignOut);
  el['import-form'].addEventListener('submit', onImport);
  el['mark-read'].addEventListener('click', onMarkRead);
  // A fresh file choice makes earlier validation errors stale.
  el['csv-file'].addEventListener('change', clearError);
  restoreSession();
}

init();
