/**
 * Server-sent events (`text/event-stream`): the framing, the heartbeats and the bound on how many
 * streams one process holds open. What the events carry is the caller's business.
 *
 * A stream starts with `retry: 3000` (an EventSource reconnects 3 s after losing it); each event is
 * `id: <n>` (1, 2, … within the stream) and one `data:` line of JSON, then a blank line; a comment
 * line `: heartbeat` every EVENTS_HEARTBEAT seconds keeps an idle stream open through proxies. Events
 * are unnamed, so an EventSource hands each one to `onmessage`, and a fetch-stream reader splits on
 * blank lines.
 */
import { UnavailableError } from '../core/errors';

/** What an EventSource waits before reconnecting to a stream it lost. */
export const RETRY_MS = 3000;
/** What a refused client is told to wait before trying again (it may reach another process then). */
const RETRY_AFTER_SECONDS = 5;
/** A client that leaves this much unread is not reading: its stream is cut instead of buffered. */
const MAX_UNREAD_BYTES = 256 * 1024;

/** The parts of the (Express) response a stream writes to. */
export interface EventStreamResponse {
  /** The connection is gone (the client left while the request was being answered). */
  destroyed: boolean;
  writableEnded: boolean;
  writableLength: number;
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  flushHeaders(): void;
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export interface EventStream {
  /** Sends one event whose data is `data` as JSON. */
  send(data: unknown): void;
  /** Ends the stream (a client then sees it close); later calls do nothing. */
  end(): void;
  /** Ended by either side. */
  readonly closed: boolean;
  /** Runs `listener` once the stream has ended, whichever side ended it. */
  onClose(listener: () => void): void;
}

export interface EventStreams {
  /** Throws the 503 when the process holds as many streams as it may. */
  assertRoom(): void;
  /** Answers 200 with the stream's headers and its `retry:` line, and holds it open (or throws the 503). */
  open(res: EventStreamResponse): EventStream;
  stats(): { open: number; heartbeating: boolean };
  /** Ends every open stream: on shutdown, so that clients reconnect to another process at once. */
  closeAll(): void;
}

export function createEventStreams({
  heartbeatSeconds,
  maxStreams,
}: {
  heartbeatSeconds: number;
  maxStreams: number;
}): EventStreams {
  const open = new Set<{ write(chunk: string): void; end(): void }>();
  // One timer for every stream of the process, running only while one is open.
  let heartbeat: NodeJS.Timeout | undefined;

  const assertRoom = () => {
    if (open.size >= maxStreams) {
      throw new UnavailableError(
        'This server follows as many imports as it can right now. Try again later.',
        RETRY_AFTER_SECONDS,
      );
    }
  };

  return {
    assertRoom,
    open(res) {
      assertRoom();
      let closed = false;
      let nextId = 1;
      const listeners: (() => void)[] = [];
      const close = () => {
        if (closed) return;
        closed = true;
        open.delete(entry);
        res.off('close', close);
        if (open.size === 0) {
          clearInterval(heartbeat);
          heartbeat = undefined;
        }
        for (const listener of listeners.splice(0)) listener();
      };
      const write = (chunk: string) => {
        if (closed) return;
        if (!res.write(chunk) && res.writableLength > MAX_UNREAD_BYTES) {
          close();
          res.destroy();
        }
      };
      const entry = {
        write,
        end() {
          close();
          if (!res.writableEnded && !res.destroyed) res.end();
        },
      };

      // The client may have gone while the request was read or checked ('close' was emitted then):
      // such a stream is born closed, and nothing of it stays.
      if (res.destroyed) closed = true;
      else {
        res.status(200);
        res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
        // no-transform: compression (Sails' `compress` in production, or a proxy's) would hold the
        // events back to fill its blocks.
        res.setHeader('Cache-Control', 'no-cache, no-transform');
        res.setHeader('X-Accel-Buffering', 'no');
        res.setHeader('Connection', 'keep-alive');
        res.flushHeaders();
        // The client going away (or the response ending) closes the stream: nothing of it stays.
        res.on('close', close);
        open.add(entry);
        heartbeat ??= setInterval(() => {
          for (const stream of open) stream.write(': heartbeat\n\n');
        }, heartbeatSeconds * 1000).unref();
        write(`retry: ${RETRY_MS}\n\n`);
      }

      return {
        send(data) {
          // JSON.stringify escapes every line break, so the data is one `data:` line.
          write(`id: ${nextId++}\ndata: ${JSON.stringify(data)}\n\n`);
        },
        end: entry.end,
        get closed() {
          return closed;
        },
        onClose(listener) {
          if (closed) listener();
          else listeners.push(listener);
        },
      };
    },
    stats() {
      return { open: open.size, heartbeating: heartbeat !== undefined };
    },
    closeAll() {
      for (const stream of [...open]) stream.end();
    },
  };
}
