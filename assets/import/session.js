// @ts-check
/** Sign in and out: the token in session storage, the JWT payload shown in the header, the forms shown. */

import { API, NetworkError, request, serverMessage } from './api.js';
import { hideUnread, refreshUnread } from './badge.js';
import { dismissQuestion } from './confirm.js';
import { clearError, el, show, showError } from './dom.js';
import { setImportBusy } from './render.js';
import { abandonJob, forgetCheck, state } from './state.js';

/** @typedef {import('./api.js').ApiResponse} ApiResponse */

/**
 * The JWT payload: `{ id, nickname, groups: [{ id, name }], iat, exp }` from this server, but it is
 * only decoded, never verified, so every claim is checked before use.
 * @typedef {{ readonly [claim: string]: unknown }} TokenPayload
 */

const TOKEN_KEY = 'caveImportToken';
const ADMINISTRATOR_GROUP_ID = 1;
const MODERATOR_GROUP_ID = 2;
const EXPIRED_MESSAGE = 'Your session has expired. Please sign in again.';

/** @returns {string | null} */
function readStoredToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: the user simply signs in on every visit
  }
}

/** @param {string | null} token the token to keep, or null to forget it */
function storeToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage unavailable; the token still lives in memory for this page.
  }
}

/**
 * The JWT payload, for display only: the server verifies the signature on every call.
 * @param {string} token
 * @returns {TokenPayload | null}
 */
function decodeTokenPayload(token) {
  const part = typeof token === 'string' ? token.split('.')[1] : undefined;
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
    // Nicknames may hold accents; atob alone would yield mojibake for UTF-8.
    /** @type {unknown} */
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === 'object' ? /** @type {TokenPayload} */ (payload) : null;
  } catch {
    return null;
  }
}

/** @param {TokenPayload} payload */
function isExpired(payload) {
  return typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now();
}

/**
 * Whether the token names a group. Unknown groups (no list): true, to let the server decide and say
 * nothing here.
 * @param {TokenPayload} payload
 * @param {number} id
 * @param {string} name
 */
function inGroup(payload, id, name) {
  if (!Array.isArray(payload.groups)) return true;
  /** @type {({ id?: unknown, name?: unknown } | null | undefined)[]} */
  const groups = payload.groups;
  return groups.some((group) => group?.id === id || group?.name === name);
}

/** @param {TokenPayload} payload */
function isAdministrator(payload) {
  return inGroup(payload, ADMINISTRATOR_GROUP_ID, 'Administrator');
}

/** @param {TokenPayload} payload */
function isModerator(payload) {
  return inGroup(payload, MODERATOR_GROUP_ID, 'Moderator');
}

/**
 * @param {boolean} administrator
 * @param {boolean} moderator
 * @returns {string} '' for an administrator
 */
function roleNote(administrator, moderator) {
  if (administrator) return '';
  return moderator
    ? 'Your account is a Moderator: you can review and resolve duplicates, but the server will refuse imports.'
    : 'Your account is not in the Administrator group, so the server will refuse imports.';
}

/**
 * @param {string} token
 * @param {TokenPayload} payload
 */
function enterSession(token, payload) {
  state.token = token;
  const nickname = typeof payload.nickname === 'string' ? payload.nickname : '';
  el['session-text'].replaceChildren('Signed in');
  if (nickname) {
    const strong = document.createElement('strong');
    strong.textContent = nickname;
    el['session-text'].append(' as ', strong);
  }
  const administrator = isAdministrator(payload);
  const moderator = isModerator(payload);
  state.roles = { administrator, moderator };
  el['session-note'].textContent = roleNote(administrator, moderator);
  show(el['session-note'], !administrator);
  show(el.session);
  show(el['sign-in-section'], false);
  show(el['import-section']);
  show(el['duplicates-section']);
  refreshUnread();
}

/**
 * Back to the sign-in form. Any running import keeps going on the server; we just stop watching.
 * @param {string} [message] an error to show above the form
 */
function leaveSession(message = '') {
  abandonJob();
  state.session += 1;
  state.batch = null;
  dismissQuestion();
  forgetCheck();
  state.roles = { administrator: false, moderator: false };
  setImportBusy(false);
  hideUnread();
  state.token = null;
  storeToken(null);
  show(el.session, false);
  show(el['session-note'], false);
  const sections = /** @type {const} */ ([
    'import-section',
    'check-result',
    'progress-section',
    'summary',
    'notification',
    'imports-section',
    'duplicates-section',
    'duplicates-view',
  ]);
  for (const id of sections) show(el[id], false);
  el['imports-list'].replaceChildren();
  el['imports-status'].textContent = '';
  el['imports-error'].textContent = '';
  el['check-status'].textContent = '';
  el['duplicates-list'].replaceChildren();
  el['duplicates-status'].textContent = '';
  el['parse-notice'].textContent = '';
  show(el['parse-notice'], false);
  show(el['sign-in-section']);
  if (message) showError(message);
  else clearError();
  el.email.focus();
}

/** For any 401: the token has expired or was revoked. */
export function expireSession() {
  leaveSession(EXPIRED_MESSAGE);
}

/** @param {SubmitEvent} event */
export async function onSignIn(event) {
  event.preventDefault();
  clearError();
  const email = el.email.value.trim();
  const password = el.password.value;
  if (!email || !password) {
    showError('Enter your email and password.');
    return;
  }
  el['sign-in'].disabled = true;
  try {
    const response = await request(API.login, { method: 'POST', body: { email, password }, auth: false });
    handleLoginResponse(response);
  } catch (error) {
    showError(error instanceof NetworkError ? error.message : 'Sign-in failed unexpectedly.');
  } finally {
    el['sign-in'].disabled = false;
  }
}

/** @param {ApiResponse} response */
function handleLoginResponse({ ok, status, body }) {
  const token = body && typeof body.token === 'string' ? body.token : null;
  if (ok && token) {
    storeToken(token);
    el.password.value = '';
    enterSession(token, decodeTokenPayload(token) ?? {});
    // The form the user was in is gone; put focus where the next step starts.
    el['import-heading'].focus();
    return;
  }
  if (ok) showError('The server accepted the sign-in but sent no token. Please try again.');
  else if (status === 401 || status === 403) showError(serverMessage(body) || 'Wrong email or password.');
  else if (status >= 500)
    showError(serverMessage(body) || `The server could not sign you in (HTTP ${status}).`);
  else showError(serverMessage(body) || `Sign-in failed (HTTP ${status}).`);
}

export function onSignOut() {
  leaveSession();
}

/** Reuse a token from an earlier visit in this tab, unless it is unreadable or already expired. */
export function restoreSession() {
  const token = readStoredToken();
  const payload = token ? decodeTokenPayload(token) : null;
  if (token && payload && !isExpired(payload)) {
    enterSession(token, payload);
    return;
  }
  if (token) storeToken(null);
}
