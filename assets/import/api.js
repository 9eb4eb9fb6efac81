// @ts-check
/** The import API: endpoint paths, the shapes of its answers, and the one fetch wrapper every call uses. */

import { state } from './state.js';

export const API = Object.freeze({
  login: '/api/v1/login',
  /** POST the file (text/csv): 202, the batch is queued. */
  importRows: '/api/v1/entrances/import-rows',
  /** The dry run of the same file: 200 with the three counts and the first failures; writes nothing. */
  checkRowsSummary: '/api/v1/entrances/check-rows?summary=true',
  /** GET ?batchId&limit&skip: a page of duplicates (206 + Content-Range when more exist); DELETE ?id&id. */
  duplicates: '/api/v1/entrance-duplicates',
  /** @param {number} id GET: the duplicate with the entrance it matched; DELETE: 204 */
  duplicate: (id) => `/api/v1/entrance-duplicates/${encodeURIComponent(id)}`,
  /** @param {number} id POST: creates the entrance the duplicate describes and deletes the duplicate, 204 */
  entranceFromDuplicate: (id) => `/api/v1/entrances/from-duplicate/${encodeURIComponent(id)}`,
  unreadCount: '/api/v1/notifications/unread/count',
  /** The newest few, in Grottocenter's `{ notifications: [...] }` (a 206 when there are more). */
  notifications: '/api/v1/notifications?limit=5',
  /** @param {number} id POST: marks it read, 204 */
  markNotificationRead: (id) => `/api/v1/notifications/${encodeURIComponent(id)}/read`,
  /** GET ?limit&offset(&all=true): `{ items, total, limit, offset }`, the caller's batches newest first. */
  jobs: '/api/v1/jobs',
  /** @param {string} batchId GET: the batch's status (its report links signed by this read) */
  job: (batchId) => `/api/v1/jobs/${encodeURIComponent(batchId)}`,
  /** @param {string} batchId GET: the same bodies as server-sent events, until the first final one */
  jobEvents: (batchId) => `/api/v1/jobs/${encodeURIComponent(batchId)}/events`,
  /** @param {string} batchId POST (initiator or Administrator): 202, the batch then ends `cancelled` */
  cancelJob: (batchId) => `/api/v1/jobs/${encodeURIComponent(batchId)}/cancel`,
  /** @param {string} batchId POST (Administrator): 200, what the batch created is soft-deleted */
  revertJob: (batchId) => `/api/v1/jobs/${encodeURIComponent(batchId)}/revert`,
  /** @param {string} batchId POST (initiator or Administrator): 202, the reports are written again */
  rebuildReports: (batchId) => `/api/v1/jobs/${encodeURIComponent(batchId)}/reports`,
});

/** Statuses after which a batch never changes again (but for a revert, which the stream does not follow). */
export const FINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);

/** Statuses of a batch still running. */
export const RUNNING_STATUSES = new Set(['pending', 'active', 'aggregating']);

/** Statuses in which a batch may be cancelled: once it writes its reports, every row is processed. */
export const CANCELLABLE_STATUSES = new Set(['pending', 'active']);

/** A batch id: a UUID. */
export const BATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';

/**
 * A parsed JSON body, read field by field: any field may be missing or hold any type.
 * null when the body was empty or not JSON.
 * @typedef {{ readonly [field: string]: unknown } | null} JsonBody
 */

/**
 * Every HTTP answer, whatever its status.
 * @typedef {object} ApiResponse
 * @property {number} status
 * @property {boolean} ok
 * @property {JsonBody} body
 * @property {Headers} headers e.g. Content-Range of a 206 page
 */

/**
 * POST /api/v1/entrances/import-rows, 202: the batch was queued. Built by readAccepted from the body.
 * @typedef {object} AcceptedBatch
 * @property {string} batchId
 * @property {string} statusUrl path of the batch's status, /api/v1/jobs/{batchId}
 * @property {number} totalRows
 * @property {number} totalChunks
 */

/**
 * Row counts of a batch. Only the outline of a status is checked, so the page reads every count through
 * toCount, as 0 when it is missing or not a count.
 * @typedef {object} JobCounts
 * @property {number} [totalRows]
 * @property {number} [processedRows] successes + duplicates + failures
 * @property {number} [successes]
 * @property {number} [duplicates]
 * @property {number} [failures]
 */

/**
 * The outcome of a finished batch: null until it is completed, cancelled or failed.
 * @typedef {object} JobResult
 * @property {{ [report: string]: string | null }} reportUrls success, duplicates, failures; null when empty
 * @property {JobCounts} summary
 * @property {string} [error] why the batch failed
 */

/**
 * GET statusUrl, 200; also each event of its event stream and each item of GET /api/v1/jobs.
 * @typedef {object} JobStatus
 * @property {string} status pending, active, aggregating, then completed, cancelled or failed
 * @property {JobCounts & { totalChunks?: number }} progress
 * @property {JobResult | null} [result]
 * @property {string} [duplicatesUrl] the batch's duplicates (API path), once it has recorded any
 * @property {string} [batchId]
 * @property {string} [createdAt] ISO date and time
 * @property {string | null} [completedAt]
 * @property {string | null} [cancelledAt] set once cancellation was asked for
 * @property {string | null} [revertedAt] set once what the batch created was soft-deleted
 */

/**
 * POST /api/v1/entrances/check-rows?summary=true, 200: how import-rows would classify the file's rows
 * now. Built by readCheckSummary from the body.
 * @typedef {object} CheckSummary
 * @property {{ willBeCreated: number, willBeCreatedAsDuplicates: number, wontBeCreated: number }} counts
 * @property {{ line: number, message: string }[]} wontBeCreated the first failures (at most 100), by
 *   the line of the file where each row begins
 */

/**
 * The rows of a checked file, as the server counted them (a blank line is no row).
 * @param {CheckSummary} result
 * @returns {number}
 */
export function checkedRows({ counts }) {
  return counts.willBeCreated + counts.willBeCreatedAsDuplicates + counts.wontBeCreated;
}

/**
 * An item of GET /api/v1/notifications (Grottocenter's shape; only the fields the page reads).
 * @typedef {object} Notification
 * @property {number} id
 * @property {{ id: number, name: string }} notificationType name e.g. IMPORT_COMPLETE
 * @property {string} dateInscription ISO date and time
 * @property {string | null} dateReadAt null while unread
 * @property {{ id: string, status: string } | null} jobBatch the import batch it is about, if any
 */

/**
 * @typedef {object} RequestOptions
 * @property {string} [method]
 * @property {unknown} [body] sent as JSON
 * @property {{ file: Blob, type: string }} [upload] a file sent as it is, with this Content-Type: the
 *   browser reads it from disk as it sends it
 * @property {boolean} [auth] send the session's token (default true)
 * @property {string} [idempotencyKey] sent as Idempotency-Key
 * @property {AbortSignal} [signal]
 */

export class NetworkError extends Error {}

/**
 * One fetch with JSON (or a file) in and JSON out. Resolves with { status, ok, body } for every HTTP
 * answer, so each caller decides what a status means to it; rejects with NetworkError when there is
 * no answer.
 * @param {string} url
 * @param {RequestOptions} [options]
 * @returns {Promise<ApiResponse>}
 */
export async function request(
  url,
  { method = 'GET', body, upload, auth = true, idempotencyKey, signal } = {},
) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  /** @type {BodyInit | undefined} */
  let payload;
  if (upload) {
    headers['Content-Type'] = upload.type;
    payload = upload.file;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (auth && state.token) headers.Authorization = `Bearer ${state.token}`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: payload,
      signal,
      // Status and notification reads must reach the server each time, never a cached copy.
      cache: 'no-store',
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new NetworkError(NETWORK_MESSAGE);
  }
  return {
    status: response.status,
    ok: response.ok,
    body: await readJson(response),
    headers: response.headers,
  };
}

/**
 * Error pages from proxies (e.g. a 413 from a body-size limit) may not be JSON; that is not fatal.
 * @param {Response} response
 * @returns {Promise<JsonBody>}
 */
export async function readJson(response) {
  try {
    const text = await response.text();
    // JSON.parse gives `any`; as a JsonBody, every field must be checked before use.
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * Anything may be thrown; only its `name` is read, which is harmless on any value but null and undefined.
 * @param {unknown} error
 * @returns {boolean}
 */
export function isAbort(error) {
  return /** @type {{ name?: unknown } | null | undefined} */ (error)?.name === 'AbortError';
}

/**
 * The server's `message`, trimmed, or '' when it sent none.
 * @param {JsonBody} body
 * @returns {string}
 */
export function serverMessage(body) {
  return body && typeof body.message === 'string' ? body.message.trim() : '';
}

/**
 * A job body, by its outline only: the counts are read through toCount.
 * @param {unknown} body
 * @returns {body is JobStatus & JsonBody}
 */
export function isJobStatus(body) {
  const job = /** @type {{ status?: unknown, progress?: unknown } | null} */ (body);
  return Boolean(
    job &&
      typeof job === 'object' &&
      typeof job.status === 'string' &&
      job.progress &&
      typeof job.progress === 'object',
  );
}
