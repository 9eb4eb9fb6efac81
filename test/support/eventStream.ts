/**
 * A client of `GET /api/v1/jobs/:batchId/events` for the tests: node:http on a connection of its own
 * (closing it is a real disconnect), reading events as they arrive. Every answer is checked against
 * assets/swaggerV1.yaml once it ends, like those read through supertest.
 */
import http from 'node:http';
import type { JobStatus } from '../../api/lib/http/views/jobStatus';
import { recordResponse } from './contract';
import { EventStreamParser, type ServerSentEvent } from './sse';

export interface JobEvent extends ServerSentEvent {
  body: JobStatus;
}

export interface EventStreamClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Every event so far, in order. */
  events: JobEvent[];
  /** Comment lines so far (`heartbeat`). */
  comments: string[];
  retries: number[];
  /** Whether the server ended the answer. */
  readonly ended: boolean;
  /** The next event not taken yet; null once the stream has ended without one. */
  next(timeoutMs?: number): Promise<JobEvent | null>;
  /** Takes events until one satisfies `probe` (returned), failing if the stream ends first. */
  nextMatching(probe: (event: JobEvent) => boolean, what: string, timeoutMs?: number): Promise<JobEvent>;
  /** Waits until `count` comments have arrived. */
  waitForComments(count: number, timeoutMs?: number): Promise<void>;
  /** Reads the rest: resolves once the server has ended the answer. */
  untilEnd(timeoutMs?: number): Promise<void>;
  /** The whole body of an answer that is not a stream (an error), once it has ended. */
  json(timeoutMs?: number): Promise<unknown>;
  /** Drops the connection, as a browser tab closing would. */
  close(): void;
}

/** Timeouts here only guard against a hang: nothing is asserted about how long anything took. */
const HANG_GUARD_MS = 60_000;

export function openEventStream(
  baseUrl: string,
  batchId: string,
  token: string | undefined,
  extraHeaders: Record<string, string> = {},
): Promise<EventStreamClient> {
  const url = new URL(baseUrl);
  const path = `/api/v1/jobs/${batchId}/events`;
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path,
      method: 'GET',
      agent: false,
      headers: {
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...extraHeaders,
      },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const parser = new EventStreamParser();
      let text = '';
      let taken = 0;
      let ended = false;
      const waiting: (() => void)[] = [];
      const wake = () => {
        for (const resolveWait of waiting.splice(0)) resolveWait();
      };
      /** Waits until `probe` returns something, woken by each chunk and by the end. */
      const until = async <T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const value = probe();
          if (value !== undefined) return value;
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`${path}: ${what}: nothing after ${timeoutMs} ms (hang guard)`);
          await new Promise<void>((wakeUp) => {
            const timer = setTimeout(wakeUp, left);
            waiting.push(() => {
              clearTimeout(timer);
              wakeUp();
            });
          });
        }
      };

      const client: EventStreamClient = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        events: [],
        comments: [],
        retries: [],
        get ended() {
          return ended;
        },
        next: (timeoutMs = HANG_GUARD_MS) =>
          until<JobEvent | null>(
            () => (taken < client.events.length ? client.events[taken++] : ended ? null : undefined),
            'the next event',
            timeoutMs,
          ),
        async nextMatching(probe, what, timeoutMs = HANG_GUARD_MS) {
          for (;;) {
            const event = await client.next(timeoutMs);
            if (!event) throw new Error(`${path}: the stream ended before ${what}`);
            if (probe(event)) return event;
          }
        },
        async waitForComments(count, timeoutMs = HANG_GUARD_MS) {
          await until(
            () => (client.comments.length >= count ? true : undefined),
            `${count} comments`,
            timeoutMs,
          );
        },
        async untilEnd(timeoutMs = HANG_GUARD_MS) {
          await until(() => (ended ? true : undefined), 'the end of the stream', timeoutMs);
        },
        async json(timeoutMs = HANG_GUARD_MS) {
          await client.untilEnd(timeoutMs);
          return JSON.parse(text);
        },
        close() {
          request.destroy();
        },
      };

      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (client.status === 200) {
          const read = parser.push(chunk);
          client.events.push(...read.events.map((event) => ({ ...event, body: JSON.parse(event.data) })));
          client.comments.push(...read.comments);
          client.retries.push(...read.retries);
        }
        wake();
      });
      response.on('error', () => {});
      response.on('end', () => {
        ended = true;
        wake();
      });
      // Ended or dropped: what arrived is checked against the contract.
      response.on('close', () => {
        const isJson = /^application\/json\b/.test(response.headers['content-type'] ?? '');
        let body: unknown = text === '' ? null : text;
        if (isJson) {
          try {
            body = JSON.parse(text);
          } catch {
            // left as text: the contract check reports it
          }
        }
        recordResponse({
          method: 'GET',
          url: path,
          status: client.status,
          headers: Object.fromEntries(
            Object.entries(response.headers).map(([key, value]) => [key, String(value)]),
          ),
          body,
        });
        wake();
      });
      resolve(client);
    });
    request.end();
  });
}
