// @ts-check
/**
 * Reading server-sent events with fetch: the token travels in the Authorization header, which an
 * EventSource cannot send. The body is read as it arrives (ReadableStream + TextDecoderStream) and
 * split into events on blank lines; each event's `data:` lines, joined, are JSON. Comment lines
 * (`: heartbeat`) only prove the stream is alive; `id:` and `retry:` are not needed here, since a
 * stream opened again starts with the current body.
 */

import { isAbort, readJson } from './api.js';
import { state } from './state.js';

/** @typedef {import('./api.js').JsonBody} JsonBody */

/**
 * How a stream ended, short of being aborted (which rejects with an AbortError):
 * - `done`: `onEvent` said the last event had come, and the stream was let go of;
 * - `refused`: the server answered, but not with an event stream (401, 403, 404, 503…);
 * - `broken`: no answer, or the stream ended or fell silent before the last event.
 * @typedef {{ kind: 'done' }
 *   | { kind: 'refused', status: number, body: JsonBody }
 *   | { kind: 'broken', events: number }} StreamOutcome
 */

/**
 * @typedef {object} StreamOptions
 * @property {AbortSignal} signal aborts the stream (the caller stopped watching)
 * @property {(data: unknown) => boolean} onEvent each event's JSON (undefined when it is not JSON);
 *   returns true when it was the last one wanted
 * @property {number} idleMs a stream silent this long (no event, no heartbeat) counts as broken
 */

/**
 * Opens the stream and reads it to its end.
 * @param {string} url
 * @param {StreamOptions} options
 * @returns {Promise<StreamOutcome>}
 */
export async function readEventStream(url, { signal, onEvent, idleMs }) {
  // The stream's own controller: the caller's signal, or a silence, ends it.
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (signal.aborted) stop();
  signal.addEventListener('abort', stop, { once: true });
  let idle = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let idleTimer;
  const awake = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idle = true;
      controller.abort();
    }, idleMs);
  };
  const count = { events: 0 };
  try {
    awake();
    return await read(url, controller.signal, onEvent, awake, count);
  } catch (error) {
    if (isAbort(error) && !idle) throw error;
    return { kind: 'broken', events: count.events };
  } finally {
    clearTimeout(idleTimer);
    signal.removeEventListener('abort', stop);
  }
}

/**
 * @param {string} url
 * @param {AbortSignal} signal
 * @param {(data: unknown) => boolean} onEvent
 * @param {() => void} awake called whenever something arrives
 * @param {{ events: number }} count the events read so far
 * @returns {Promise<StreamOutcome>}
 */
async function read(url, signal, onEvent, awake, count) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'text/event-stream' };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(url, { headers, signal, cache: 'no-store' });
  const type = response.headers.get('Content-Type') ?? '';
  if (!response.ok || !response.body || !type.startsWith('text/event-stream')) {
    return { kind: 'refused', status: response.status, body: await readJson(response) };
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const splitter = new EventSplitter();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { kind: 'broken', events: count.events };
      awake();
      for (const data of splitter.push(value)) {
        count.events += 1;
        if (onEvent(parse(data))) return { kind: 'done' };
      }
    }
  } finally {
    // Lets go of the connection (the server then stops writing to it); a no-op once it has ended.
    reader.cancel().catch(() => {});
  }
}

/**
 * @param {string} data
 * @returns {unknown} undefined when it is not JSON
 */
function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Cuts the text of a stream into the data of its events, whatever the pieces it arrives in. */
export class EventSplitter {
  pending = '';
  // A piece that ended with CR: an LF opening the next piece belongs to the same line end.
  afterCr = false;

  /**
   * @param {string} text the next piece of the stream
   * @returns {string[]} the data of each event the stream completed
   */
  push(text) {
    let piece = text;
    if (this.afterCr && piece.startsWith('\n')) piece = piece.slice(1);
    this.afterCr = piece.endsWith('\r');
    this.pending += piece.replace(/\r\n?/g, '\n');
    /** @type {string[]} */
    const out = [];
    for (let end = this.pending.indexOf('\n\n'); end >= 0; end = this.pending.indexOf('\n\n')) {
      const block = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      const data = dataOf(block);
      if (data !== null) out.push(data);
    }
    return out;
  }
}

/**
 * @param {string} block the lines of one event
 * @returns {string | null} its `data:` lines joined, or null when it has none (comments, `retry:`)
 */
function dataOf(block) {
  /** @type {string[]} */
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    else if (line === 'data') data.push('');
  }
  return data.length ? data.join('\n') : null;
}
