// @ts-check
/** Following an accepted batch: poll its status until it ends, then show its summary and look for its notification. */

import { FINAL_STATUSES, isAbort, NETWORK_MESSAGE, request, serverMessage } from './api.js';
import { el, focusIfLost, show, showError } from './dom.js';
import { plural } from './format.js';
import { lookForNotification } from './notification.js';
import { renderProgress, renderSummary, setImportBusy } from './render.js';
import { expireSession } from './session.js';
import { abandonJob, state } from './state.js';

/** @typedef {import('./api.js').AcceptedBatch} AcceptedBatch */
/** @typedef {import('./api.js').JobStatus} JobStatus */
/** @typedef {import('./api.js').JsonBody} JsonBody */
/** @typedef {import('./state.js').Job} Job */

const POLL_INTERVAL_MS = 2000;
// A few missed polls are normal (server restart, flaky network); past this we stop and say so.
const MAX_POLL_FAILURES = 5;

/** Clears what an earlier import left on the page before a new one is sent. */
export function resetResults() {
  abandonJob();
  show(el.summary, false);
  show(el.notification, false);
  el['job-error'].textContent = '';
  el['report-list'].replaceChildren();
  show(el['summary-duplicates-link'], false);
  state.notificationId = null;
}

/** @param {AcceptedBatch} accepted */
export function startJob(accepted) {
  state.job = {
    ...accepted,
    controller: new AbortController(),
    timer: null,
    failures: 0,
    generation: state.generation,
  };
  el['accepted-text'].textContent =
    `Import accepted: ${plural(accepted.totalRows, 'row')} in ${plural(accepted.totalChunks, 'chunk')}`;
  renderProgress({
    status: 'pending',
    progress: { totalRows: accepted.totalRows, processedRows: 0, successes: 0, duplicates: 0, failures: 0 },
  });
  show(el['progress-section']);
  pollJob(state.job);
}

/** @param {Job} job */
function isCurrent(job) {
  return state.job === job && job.generation === state.generation;
}

/** @param {Job} job */
async function pollJob(job) {
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
      `The import status is not available: ${serverMessage(response.body) || `HTTP ${response.status}`}.`,
    );
    return;
  }
  if (!response.ok || !isJobStatus(response.body)) {
    retryPoll(job, serverMessage(response.body) || `The status check failed (HTTP ${response.status}).`);
    return;
  }
  job.failures = 0;
  handleJobStatus(job, response.body);
}

/**
 * Checks the outline only: the counts are read through toCount.
 * @param {JsonBody} body
 * @returns {body is JobStatus & JsonBody}
 */
function isJobStatus(body) {
  return Boolean(
    body && typeof body.status === 'string' && body.progress && typeof body.progress === 'object',
  );
}

/**
 * @param {Job} job
 * @param {JobStatus} status
 */
function handleJobStatus(job, status) {
  renderProgress(status);
  if (FINAL_STATUSES.has(status.status)) {
    finishJob(job, status);
    return;
  }
  job.timer = setTimeout(() => pollJob(job), POLL_INTERVAL_MS);
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
      `Lost track of the import: ${reason} The import continues on the server; you will get a notification when it ends.`,
    );
    return;
  }
  el['status-text'].textContent = `${reason} Retrying…`;
  job.timer = setTimeout(() => pollJob(job), POLL_INTERVAL_MS);
}

/** @param {string} message */
function stopJobWithError(message) {
  abandonJob();
  setImportBusy(false);
  showError(message);
}

/**
 * @param {Job} job
 * @param {JobStatus} status a final one
 */
function finishJob(job, status) {
  state.job = null;
  setImportBusy(false);
  renderSummary(status, job.batchId);
  // Focus the page put on the progress heading follows the import to its summary.
  if (document.activeElement === el['progress-heading']) el['summary-heading'].focus();
  else focusIfLost(el['summary-heading']);
  lookForNotification(job.batchId, status.status, job.generation, 1);
}
