// @ts-check
/**
 * The page's shared mutable state: the session's token and roles, the checked file, the batch being
 * followed, the notification shown.
 */

/**
 * The batch the page follows, from its acceptance (or its opening) until it ends or is abandoned:
 * through its event stream, or by polling when the stream cannot be had; never both at once.
 * @typedef {import('./api.js').AcceptedBatch & {
 *   controller: AbortController,
 *   timer: ReturnType<typeof setTimeout> | null,
 *   failures: number,
 *   streamFailures: number,
 *   mode: 'stream' | 'poll',
 *   notify: 'yes' | 'if-running' | 'no',
 *   opened: boolean,
 *   seen: boolean,
 *   generation: number,
 * }} Job
 * `failures`: polls missed in a row; `streamFailures`: streams lost in a row; `notify`: whether to
 * look for the completion notification when it ends ('if-running': once it has been seen running);
 * `opened`: opened from the list or a link rather than imported here; `seen`: a body has arrived.
 */

/**
 * The batch shown in the progress and summary sections, whose controls (cancel, revert, rebuild the
 * reports) act on it; it stays after the page stops following it.
 * @typedef {object} ShownBatch
 * @property {string} batchId
 * @property {import('./api.js').JobStatus | null} status its latest body, null before the first
 * @property {boolean} mine started by this user (here or in their own list): they may cancel it
 * @property {boolean} busy one of its controls is waiting for the server
 */

/**
 * A file the server has checked: the file and the encoding it was sent in (imported the same way, so
 * that what is imported is what was checked) and the answer.
 * @typedef {object} CheckedFile
 * @property {File} file
 * @property {import('./csv.js').Charset} charset
 * @property {import('./api.js').CheckSummary} result
 * @property {string} idempotencyKey sent with its import: a retry after a lost answer (the server may
 *   have accepted the file) is answered with the batch it created, not a second one
 */

export const state = {
  /** @type {string | null} */
  token: null,
  /** What the token says the user may do; the server decides on every request. */
  roles: { administrator: false, moderator: false },
  // Bumped whenever the current import or session is abandoned, so late answers from an old
  // poll or notification lookup are ignored instead of painting over the new state.
  generation: 0,
  // Bumped on every sign-out, so a request sent before it does not act on the next session.
  session: 0,
  /** @type {Job | null} */
  job: null,
  /** @type {ShownBatch | null} */
  batch: null,
  /** @type {number | null} */
  notificationId: null,
  /** @type {CheckedFile | null} the check of the chosen file, once the server has answered */
  check: null,
  /** A check is running: the form waits for it. */
  checking: false,
  // Bumped whenever a check starts or the file changes, so an older check's answer is ignored.
  checkGeneration: 0,
  /** An import is being sent or followed: one at a time. */
  importing: false,
};

/** Stops watching the current batch (polls, pending lookups) without touching what is shown. */
export function abandonJob() {
  state.generation += 1;
  const job = state.job;
  if (!job) return;
  clearTimeout(job.timer ?? undefined);
  job.controller.abort();
  state.job = null;
}

/** Forgets the check of the chosen file, and makes any check still running stale. */
export function forgetCheck() {
  state.checkGeneration += 1;
  state.check = null;
  state.checking = false;
}
