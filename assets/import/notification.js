// @ts-check
/** The completion notification of a finished batch: find it, show it, and mark it as read. */

import { API, NetworkError, request, serverMessage } from './api.js';
import { refreshUnread } from './badge.js';
import { clearError, el, showError } from './dom.js';
import { renderNotification, renderReadState, showNotificationWaiting } from './render.js';
import { expireSession } from './session.js';
import { state } from './state.js';

/** @typedef {import('./api.js').ApiResponse} ApiResponse */
/** @typedef {import('./api.js').Notification} Notification */

// The notification is written when the batch is aggregated, which may land just after we see "completed".
const NOTIFICATION_ATTEMPTS = 4;
const NOTIFICATION_RETRY_MS = 1500;

/**
 * @param {string} batchId
 * @param {string} jobStatus the batch's final status
 * @param {number} generation state.generation when the batch was accepted
 * @param {number} attempt from 1
 */
export async function lookForNotification(batchId, jobStatus, generation, attempt) {
  if (attempt === 1) showNotificationWaiting();
  let response;
  try {
    response = await request(API.notifications);
  } catch {
    response = null; // treated like "not there yet": retried below
  }
  if (generation !== state.generation) return;
  if (response?.status === 401) {
    expireSession();
    return;
  }
  /** @type {(Notification | null)[]} */
  const items = Array.isArray(response?.body?.notifications) ? response.body.notifications : [];
  const found = pickNotification(items, batchId, jobStatus);
  if (found) {
    renderNotification(found);
    refreshUnread();
  } else if (attempt < NOTIFICATION_ATTEMPTS) {
    setTimeout(() => lookForNotification(batchId, jobStatus, generation, attempt + 1), NOTIFICATION_RETRY_MS);
  } else {
    el['notification-text'].textContent =
      'No completion notification has arrived for this import yet. It will appear in your notifications.';
    refreshUnread();
  }
}

/**
 * IMPORT_COMPLETE is expected; a failed batch may carry another type, so any notice for it will do.
 * @param {(Notification | null)[]} items
 * @param {string} batchId
 * @param {string} jobStatus
 * @returns {Notification | null}
 */
function pickNotification(items, batchId, jobStatus) {
  // The filter drops the nulls.
  const forBatch = /** @type {Notification[]} */ (items.filter((item) => item?.jobBatch?.id === batchId));
  return (
    forBatch.find((item) => item.notificationType?.name === 'IMPORT_COMPLETE') ??
    (jobStatus === 'failed' ? forBatch[0] : undefined) ??
    null
  );
}

export async function onMarkRead() {
  const id = state.notificationId;
  if (id === null || id === undefined) return;
  const button = el['mark-read'];
  button.disabled = true;
  clearError();
  let response;
  try {
    response = await request(API.markNotificationRead(id), { method: 'POST' });
  } catch (error) {
    button.disabled = false;
    showError(error instanceof NetworkError ? error.message : 'Could not mark the notification as read.');
    return;
  }
  handleMarkReadResponse(response);
}

/** @param {ApiResponse} response */
function handleMarkReadResponse({ ok, status, body }) {
  if (status === 401) {
    expireSession();
    return;
  }
  if (!ok) {
    el['mark-read'].disabled = false;
    showError(`Could not mark the notification as read: ${serverMessage(body) || `HTTP ${status}`}.`);
    return;
  }
  // 204, no body: the notice is read (the server keeps its first read time).
  renderReadState({ dateReadAt: true });
  refreshUnread();
  // The button just vanished; keep keyboard focus nearby rather than lost on <body>.
  el['notification-state'].focus();
}
