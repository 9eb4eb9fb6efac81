// @ts-check
/** The page's shared mutable state: the session's token, the batch being followed, the notification shown. */

/**
 * The batch the page follows, from its acceptance until it ends or is abandoned.
 * @typedef {import('./api.js').AcceptedBatch & {
 *   controller: AbortController,
 *   timer: ReturnType<typeof setTimeout> | null,
 *   failures: number,
 *   generation: number,
 * }} Job
 */

export const state = {
  /** @type {string | null} */
  token: null,
  // Bumped whenever the current import or session is abandoned, so late answers from an old
  // poll or notification lookup are ignored instead of painting over the new state.
  generation: 0,
  // Bumped on every sign-out, so a request sent before it does not act on the next session.
  session: 0,
  /** @type {Job | null} */
  job: null,
  /** @type {number | null} */
  notificationId: null,
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
