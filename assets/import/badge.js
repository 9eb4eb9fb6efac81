// @ts-check
/**
 * The unread notifications badge in the header: GET /api/v1/notifications/unread/count, read when a
 * session starts, when an import's notification arrives and after one is marked read. The count is
 * the status's accessible name ("3 unread notifications"); the visible badge only repeats it.
 */

import { API, request } from './api.js';
import { el, show } from './dom.js';
import { plural, toCount } from './format.js';
import { state } from './state.js';

// Answers to older requests are dropped, so a slow one never overwrites a newer count.
let sequence = 0;

/**
 * Reads the count again and shows it. Never fails: without an answer the badge says it does not
 * know, and a 401 is left to the page's next request (this one runs in the background).
 * @returns {Promise<void>}
 */
export async function refreshUnread() {
  const mine = ++sequence;
  const session = state.session;
  let count = null;
  try {
    const response = await request(API.unreadCount);
    if (response.ok && response.body && typeof response.body.count === 'number')
      count = toCount(response.body.count);
  } catch {
    count = null;
  }
  if (mine !== sequence || session !== state.session || !state.token) return;
  renderUnread(count);
}

/** @param {number | null} count null when it could not be read */
export function renderUnread(count) {
  const badge = el['unread-badge'];
  let label;
  if (count === null) {
    badge.textContent = '?';
    label = 'Unread notifications could not be counted';
  } else {
    badge.textContent = count > 99 ? '99+' : String(count);
    label = count === 0 ? 'No unread notifications' : plural(count, 'unread notification');
  }
  el.unread.setAttribute('aria-label', label);
  el['unread-text'].textContent = label;
  badge.classList.toggle('badge-empty', count === 0 || count === null);
  el.unread.dataset.count = count === null ? '' : String(count);
  show(el.unread);
}

/** Signed out: no count to show. */
export function hideUnread() {
  sequence += 1;
  show(el.unread, false);
  el['unread-badge'].textContent = '…';
  el['unread-text'].textContent = '';
  el.unread.dataset.count = '';
}
