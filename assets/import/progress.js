// @ts-check
/**
 * Following a batch until it ends, then showing its summary and looking for its notification.
 *
 * The page reads the batch's event stream (GET /api/v1/jobs/:id/events), whose events are the bodies
 * of GET /api/v1/jobs/:id. A stream that breaks is opened again a few times, after a growing pause;
 * one that is refused (503: the server follows as many imports as it can, or any other error) or
 * keeps breaking gives way to polling GET /api/v1/jobs/:id, as before streams existed. One or the
 * other, never both; abandoning the batch (another import or batch, a sign-out) stops either.
 */

import { API, FINAL_STATUSES, isAbort, isJobStatus, NETWORK_MESSAGE, request, serverMessage } from './api.js';
import { forgetShownBatch, showBatch, updateShownBatch } from './batchView.js';
import { el, focusIfLost, show, showError } from './dom.js';
import { readEventStream } from './eventStream.js';
import { plural, toCount } from './format.js';
import { lookForNotification } from './notification.js';
import { refreshPastImports } from './pastImports.js';
import {
  formatTime,
  renderProgress,
  renderSummary,
  resetProgressAnnouncement,
  setImportBusy,
} from './render.js';
import { expireSession } from './session.js';
import { abandonJob, state } from './state.js';

/** @typedef {import('./api.js').AcceptedBatch} AcceptedBatch */
/** @typedef {import('./api.js').JobStatus} JobStatus */
/** @typedef {import('./state.js').Job} Job */

const POLL_INTERVAL_MS = 2000;
// A few missed polls are normal (server restart, flaky network); past this we stop and say so.
const MAX_POLL_FAILURES = 5;
// A lost stream is opened again after 1, 2, then 4 s; lost once more, the page polls instead.
const STREAM_RETRY_MS = 1000;
const MAX_STREAM_RETRIES = 3;
// The server sends a heartbeat every 15 s by default, 30 at most (EVENTS_HEARTBEAT): past 45 s, lost.
const STREAM_IDLE_MS = 45_000;

/** Clears what an earlier import left on the page before a new one is sent or another is opened. */
export function resetResults() {
  abandonJob();
  resetProgressAnnouncement();
  forgetShownBatch();
  show(el.summary, false);
  show(el.notification, false);
  el['job-error'].textContent = '';
  el['report-list'].replaceChildren();
  show(el['summary-duplicates-link'], false);
  state.notificationId = null;
}

/**
 * @param {AcceptedBatch} accepted
 * @param {{ notify: Job['notify'], opened: boolean }} options
 * @returns {Job}
 */
function newJob(accepted, { notify, opened }) {
  return {
    ...accepted,
    controller: new AbortController(),
    timer: null,
    failures: 0,
    streamFailures: 0,
    mode: 'stream',
    notify,
    opened,
    seen: false,
    generation: state.generation,
  };
}

/**
 * Follows a batch this page has just imported.
 * @param {AcceptedBatch} accepted
 */
export function startJob(accepted) {
  const job = newJob(accepted, { notify: 'yes', opened: false });
  state.job = job;
  el['accepted-text'].textContent =
    `Import accepted: ${plural(accepted.totalRows, 'row')} in ${plural(accepted.totalChunks, 'chunk')}`;
  /** @type {JobStatus} */
  const pending = {
    status: 'pending',
    progress: { totalRows: accepted.totalRows, processedRows: 0, successes: 0, duplicates: 0, failures: 0 },
  };
  renderProgress(pending);
  showBatch(accepted.batchId, pending, true);
  show(el['progress-section']);
  // The batch's own address: a reload, or a link to it, opens it again.
  const hash = `#batch=${encodeURIComponent(accepted.batchId)}`;
  if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  watchJob(job);
  refreshPastImports();
}

/**
 * @typedef {object} OpenOptions
 * @property {boolean} mine the user's own batch (from their list): they may cancel it
 * @property {Job['notify']} [notify] 'if-running' unless given: an old batch's notification was
 *   seen long ago
 */

/**
 * Opens a batch from the list of past imports, a link or a control: shows it as it stands, follows it
 * while it runs, and then shows its summary. Whatever was followed before is let go of.
 * @param {string} batchId
 * @param {OpenOptions} options
 */
export function openBatch(batchId, { mine, notify = 'if-running' }) {
  // An import sent from this page and followed goes on on the server: the form is free for another.
  // An opened batch never held the form, which an upload still in flight may hold.
  const releasesForm = Boolean(state.job && !state.job.opened);
  resetResults();
  if (releasesForm) setImportBusy(false);
  const job = newJob(
    { batchId, statusUrl: API.job(batchId), totalRows: 0, totalChunks: 0 },
    { notify, opened: true },
  );
  state.job = job;
  el['accepted-text'].textContent = `Opening import ${batchId}…`;
  el['status-text'].textContent = '';
  const bar = el['import-progress'];
  bar.max = 1;
  bar.value = 0;
  for (const id of /** @type {const} */ ([
    'progress-successes',
    'progress-duplicates',
    'progress-failures',
  ])) {
    el[id].textContent = '0';
  }
  showBatch(batchId, null, mine);
  show(el['progress-section']);
  watchJob(job);
}

/** @param {Job} job */
function isCurrent(job) {
  return state.job === job && job.generation === state.generation;
}

/** @param {Job} job */
function watchJob(job) {
  if (job.mode === 'stream') streamJob(job);
  else pollJob(job);
}

/** @param {Job} job */
async function streamJob(job) {
  job.timer = null;
  let outcome;
  try {
    outcome = await readEventStream(API.jobEvents(job.batchId), {
      signal: job.controller.signal,
      idleMs: STREAM_IDLE_MS,
      onEvent(data) {
        if (!isCurrent(job)) return true;
        return isJobStatus(data) ? handleJobStatus(job, data) : false;
      },
    });
  } catch (error) {
    if (isAbort(error)) return; // the page stopped following this batch
    throw error;
  }
  if (!isCurrent(job) || outcome.kind === 'done') return;
  if (outcome.kind === 'refused') {
    const { status, body } = outcome;
    if (status === 401) expireSession();
    else if (status === 403 || status === 404) {
      stopJobWithError(
        job,
        `The import status is not available: ${serverMessage(body) || `HTTP ${status}`}.`,
      );
    } else fallBackToPolling(job); // 503 (too many streams) or anything else: the same bodies, polled
    return;
  }
  // Broken: a stream that carried events counts as the first loss of a new run.
  job.streamFailures = outcome.events > 0 ? 1 : job.streamFailures + 1;
  if (job.streamFailures > MAX_STREAM_RETRIES) {
    fallBackToPolling(job);
    return;
  }
  job.timer = setTimeout(() => streamJob(job), STREAM_RETRY_MS * 2 ** (job.streamFailures - 1));
}

/** @param {Job} job */
function fallBackToPolling(job) {
  job.mode = 'poll';
  pollJob(job);
}

/** @param {Job} job */
async function pollJob(job) {
  job.timer = null;
  let response;
  try {
    response = await request(job.statusUrl, { signal: job.controller.signal });
  } catch (error) {
    if (!isAbort(error) && isCurrent(job)) retryPoll(job, NETWORK_MESSAGE);
    return;
  }
  if (!isCurrent(job)) return;
  if (response.status === 401) {
    expireSession();
    return;
  }
  if (response.status === 403 || response.status === 404) {
    stopJobWithError(
      job,
      `The import status is not available: ${serverMessage(response.body) || `HTTP ${response.status}`}.`,
    );
    return;
  }
  if (!response.ok || !isJobStatus(response.body)) {
    retryPoll(job, serverMessage(response.body) || `The status check failed (HTTP ${response.status}).`);
    return;
  }
  job.failures = 0;
  if (!handleJobStatus(job, response.body)) job.timer = setTimeout(() => pollJob(job), POLL_INTERVAL_MS);
}

/**
 * Shows a body of the batch, from its stream or a poll.
 * @param {Job} job
 * @param {JobStatus} status
 * @returns {boolean} true when it is final: the batch has ended
 */
function handleJobStatus(job, status) {
  if (!job.seen && job.opened) el['accepted-text'].textContent = openedText(status);
  job.seen = true;
  const final = FINAL_STATUSES.has(status.status);
  if (!final && job.notify === 'if-running') job.notify = 'yes';
  renderProgress(status);
  updateShownBatch(job.batchId, status);
  if (final) finishJob(job, status);
  return final;
}

/**
 * "Import of 29/11/2025, 10:12:03: 300 rows in 6 chunks", for a batch opened rather than imported.
 * @param {JobStatus} status
 */
function openedText({ createdAt, progress }) {
  const size = `${plural(toCount(progress.totalRows), 'row')} in ${plural(toCount(progress.totalChunks), 'chunk')}`;
  return createdAt ? `Import of ${formatTime(createdAt)}: ${size}` : `Import: ${size}`;
}

/**
 * A missed poll is retried; the batch runs on the server whether or not we are watching.
 * @param {Job} job
 * @param {string} reason
 */
function retryPoll(job, reason) {
  job.failures += 1;
  if (job.failures > MAX_POLL_FAILURES) {
    stopJobWithError(
      job,
      `Lost track of the import: ${reason} The import continues on the server; you will get a notification when it ends.`,
    );
    return;
  }
  el['status-text'].textContent = `${reason} Retrying…`;
  job.timer = setTimeout(() => pollJob(job), POLL_INTERVAL_MS);
}

/**
 * @param {Job} job
 * @param {string} message
 */
function stopJobWithError(job, message) {
  abandonJob();
  if (job.opened) {
    // Nothing of a batch that could not be opened is left on the page.
    if (!job.seen) {
      forgetShownBatch();
      show(el['progress-section'], false);
    }
  } else setImportBusy(false);
  showError(message);
}

/**
 * @param {Job} job
 * @param {JobStatus} status a final one
 */
function finishJob(job, status) {
  state.job = null;
  // An opened batch never held the form (an import being sent meanwhile still does).
  if (!job.opened) setImportBusy(false);
  renderSummary(status, job.batchId);
  updateShownBatch(job.batchId, status);
  // Focus the page put on the progress heading follows the import to its summary.
  if (document.activeElement === el['progress-heading']) el['summary-heading'].focus();
  else focusIfLost(el['summary-heading']);
  if (job.notify === 'yes') lookForNotification(job.batchId, status.status, job.generation, 1);
  refreshPastImports();
}
