/**
 * Requests Node's HTTP parser refuses before any route sees them (a raw non-ASCII byte in the target,
 * a malformed header, headers too large): answered with the status Node would choose, but with a JSON
 * `{ message }` like every other error instead of an empty body.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const ANSWERS: Record<string, [status: number, reason: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request headers are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request took too long to arrive.'],
};
const MALFORMED: [number, string, string] = [400, 'Bad Request', 'The request is not valid HTTP.'];

/** Time to receive a whole request: a 512 MB upload over a slow link, not Node's 5 minutes. */
const REQUEST_MS = 3_600_000;

/**
 * Time limits on clients: an upload that stops sending frees its database connection once the idle
 * time has passed (its transaction rolls back), while one that keeps sending may take an hour. Live
 * progress streams send a heartbeat at least every 30 s, so they are never idle that long.
 */
export function limitClientTimes(server: Server, idleSeconds: number): void {
  server.setTimeout(idleSeconds * 1000);
  server.requestTimeout = REQUEST_MS;
}

/** Answers parser errors as JSON; a socket already closing or mid-response is just destroyed. */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const closing = error.code === 'ECONNRESET' || !socket.writable;
    // Part of a response may already be on the wire: another status line would corrupt it.
    if (
      closing ||
      (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent
    ) {
      socket.destroy();
      return;
    }
    const [status, reason, message] = ANSWERS[error.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({ message });
    // The answer to a HEAD request has the headers of the body but not the body itself.
    const head = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  });
}

/**
 * For a request whose answer takes long to compute after its body (a revert of a large batch): its
 * connection is not closed for being idle meanwhile; the limit comes back once it is answered.
 */
export function keepOpenWhileComputing(
  req: { setTimeout(ms: number): unknown },
  res: { once(event: 'finish' | 'close', listener: () => void): unknown },
  idleSeconds: number,
): void {
  req.setTimeout(0);
  const restore = () => req.setTimeout(idleSeconds * 1000);
  res.once('finish', restore);
}
