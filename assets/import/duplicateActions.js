// @ts-check
/**
 * What a moderator does with duplicates: import one as a new entrance (POST
 * /api/v1/entrances/from-duplicate/:id) or discard it (DELETE /api/v1/entrance-duplicates/:id), one at
 * a time or for the selected ones: bulk import is one call per duplicate, bulk discard one DELETE with
 * every id (all or nothing). Bulk actions are confirmed first. After each, the list is read again, the
 * outcome is said, and focus lands on the card now in the acted-on card's place (or on the status).
 */

import { API, NetworkError, request, serverMessage } from './api.js';
import { confirmAction } from './confirm.js';
import { el } from './dom.js';
import { loadPage, setError, view } from './duplicates.js';
import { describeDuplicate, renderSelection } from './duplicatesRender.js';
import { plural, toCount } from './format.js';
import { expireSession } from './session.js';

/** @typedef {import('./api.js').ApiResponse} ApiResponse */
/** @typedef {'import' | 'discard'} Action */

const STALE = 'Another moderator may have resolved it meanwhile; the list has been refreshed.';

/**
 * The answer to one request, or null when the session has expired (the page has signed out).
 * @param {string} url
 * @param {string} method
 * @returns {Promise<ApiResponse | { status: 0, ok: false, body: null, error: string } | null>}
 */
async function send(url, method) {
  try {
    const response = await request(url, { method });
    if (response.status === 401) {
      expireSession();
      return null;
    }
    return response;
  } catch (error) {
    const reason = error instanceof NetworkError ? error.message : 'The request failed unexpectedly.';
    return { status: 0, ok: false, body: null, error: reason };
  }
}

/**
 * Why an action on a duplicate was refused, in words.
 * @param {{ status: number, body: import('./api.js').JsonBody, error?: string }} response
 * @returns {string}
 */
function refusal(response) {
  if (response.error) return response.error;
  const message = serverMessage(response.body);
  if (response.status === 404) return `${message || 'It no longer exists.'} ${STALE}`;
  if (response.status === 403) {
    return `Only moderators and administrators can resolve duplicates${message ? `: ${message}` : '.'}`;
  }
  return `${message || 'The server refused'} (HTTP ${response.status}).`;
}

/**
 * While an action runs, the view's buttons do nothing (view.busy); they are not disabled, which would
 * throw the keyboard focus out of the button that was pressed.
 * @param {boolean} busy
 */
function setBusy(busy) {
  view.busy = busy;
  el['duplicates-view'].setAttribute('aria-busy', String(busy));
}

/**
 * Runs an action, then reads the list again, whatever happened.
 * @param {() => Promise<{ message?: string, error?: string, focus: number | 'status' } | null>} action
 */
async function withBusyView(action) {
  if (view.busy) return;
  setError('');
  setBusy(true);
  try {
    const outcome = await action();
    if (outcome) await loadPage(outcome);
  } finally {
    setBusy(false);
  }
}

/** A click inside the list: one of a card's buttons. @param {MouseEvent} event */
export function onListClick(event) {
  const button = /** @type {HTMLElement} */ (event.target).closest('button[data-action]');
  const card = button?.closest('li[data-id]');
  if (!(button instanceof HTMLButtonElement) || !(card instanceof HTMLElement)) return;
  const index = [...el['duplicates-list'].children].indexOf(card);
  const shown = view.shown[index];
  if (!shown) return;
  const action = /** @type {Action} */ (button.dataset.action);
  withBusyView(async () => {
    const id = toCount(shown.item.id);
    const label = describeDuplicate(shown);
    const response =
      action === 'import'
        ? await send(API.entranceFromDuplicate(id), 'POST')
        : await send(API.duplicate(id), 'DELETE');
    if (!response) return null;
    if (response.ok) {
      const done = action === 'import' ? 'was imported as a new entrance' : 'was discarded';
      return { message: `${label} ${done}.`, focus: index };
    }
    const verb = action === 'import' ? 'imported' : 'discarded';
    return { error: `${label} could not be ${verb}: ${refusal(response)}`, focus: index };
  });
}

/** A checkbox of a card. @param {Event} event */
export function onListChange(event) {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.select) return;
  const id = Number(box.dataset.select);
  if (box.checked) view.selected.add(id);
  else view.selected.delete(id);
  renderSelection(view);
}

export function onSelectAll() {
  const all = el['duplicates-select-all'].checked;
  view.selected.clear();
  for (const shown of view.shown) if (all) view.selected.add(toCount(shown.item.id));
  for (const box of el['duplicates-list'].querySelectorAll('input[data-select]')) {
    /** @type {HTMLInputElement} */ (box).checked = all;
  }
  renderSelection(view);
}

/** The selected duplicates, in the page's order. */
function selectedDuplicates() {
  return view.shown.filter((shown) => view.selected.has(toCount(shown.item.id)));
}

export function onDiscardSelected() {
  const chosen = selectedDuplicates();
  if (!chosen.length || view.busy) return;
  confirmAction({
    title: `Discard ${plural(chosen.length, 'duplicate')}?`,
    text:
      `${chosen.map(describeDuplicate).join('; ')}. They are deleted for good; the existing entrances ` +
      'are not changed. If one of them is gone meanwhile, none is discarded.',
    confirm: `Discard ${chosen.length}`,
  }).then((confirmed) => {
    if (!confirmed) return;
    withBusyView(async () => {
      const query = new URLSearchParams(chosen.map((shown) => ['id', String(toCount(shown.item.id))]));
      const response = await send(`${API.duplicates}?${query}`, 'DELETE');
      if (!response) return null;
      if (response.ok)
        return { message: `${plural(chosen.length, 'duplicate')} discarded.`, focus: 'status' };
      return { error: `Nothing was discarded: ${refusal(response)}`, focus: 'status' };
    });
  });
}

export function onImportSelected() {
  const chosen = selectedDuplicates();
  if (!chosen.length || view.busy) return;
  confirmAction({
    title: `Import ${plural(chosen.length, 'duplicate')} as new entrances?`,
    text:
      `${chosen.map(describeDuplicate).join('; ')}. Each becomes a new entrance next to the one it ` +
      'matched, and its duplicate is removed.',
    confirm: `Import ${chosen.length}`,
  }).then((confirmed) => {
    if (confirmed) withBusyView(() => importEach(chosen));
  });
}

/**
 * One from-duplicate call per duplicate, in order; a refusal does not stop the others, except a 403
 * (every other would be refused too) or an expired session.
 * @param {import('./duplicatesRender.js').ShownDuplicate[]} chosen
 */
async function importEach(chosen) {
  let imported = 0;
  const failures = [];
  for (const shown of chosen) {
    const response = await send(API.entranceFromDuplicate(toCount(shown.item.id)), 'POST');
    if (!response) return null;
    if (response.ok) {
      imported += 1;
      continue;
    }
    failures.push(`${describeDuplicate(shown)}: ${refusal(response)}`);
    if (response.status === 403) break;
  }
  const message = `${plural(imported, 'duplicate')} imported as new entrances.`;
  if (!failures.length) return { message, focus: /** @type {const} */ ('status') };
  const notTried = chosen.length - imported - failures.length;
  const skipped = notTried > 0 ? ` ${notTried} not tried.` : '';
  return {
    message,
    error: `Not imported: ${failures.join(' ')}${skipped}`,
    focus: /** @type {const} */ ('status'),
  };
}
