// @ts-check
/**
 * What the page says when the server refuses a file: one wording per status, shared by the check and
 * the import (they have the same checks, in the same order: 401, 403, 415, 400, 413). A 401 never
 * gets here: it ends the session.
 */

import { serverMessage } from './api.js';

/** @typedef {import('./api.js').ApiResponse} ApiResponse */

/**
 * @param {'check' | 'import'} step
 * @param {Pick<ApiResponse, 'status' | 'body'>} response a refusal
 * @returns {string}
 */
export function rowsRefusalMessage(step, { status, body }) {
  const message = serverMessage(body);
  if (status === 400) return `The file was rejected: ${message || 'the request was not valid.'}`;
  // The file's encoding, as the page named it, is one the server cannot read.
  if (status === 415) return `The file was rejected: ${message || 'the server cannot read it.'}`;
  if (status === 403) {
    const what = step === 'check' ? 'check and import' : 'import';
    return `Only administrators can ${what} entrances.${message ? ` ${message}` : ''}`;
  }
  if (status === 413) {
    return (
      `The file is too large to ${step} in one go${message ? `: ${message}` : '.'} ` +
      'Split it into smaller CSV files (each keeping the header line) and import them one after the other.'
    );
  }
  if (status >= 500) {
    const what =
      step === 'check' ? 'The server could not check the file' : 'The server could not start the import';
    if (message) return `${what}: ${message}`;
    return status === 500
      ? `${what}: internal server error.`
      : `${what} (HTTP ${status}). Try again in a moment.`;
  }
  return `The ${step} failed with an unexpected answer (HTTP ${status})${message ? `: ${message}` : '.'}`;
}
