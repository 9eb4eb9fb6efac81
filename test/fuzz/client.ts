/**
 * A raw HTTP client (node:http), because the fuzzer sends what supertest and fetch will not: any
 * method, no Content-Type, invalid UTF-8, chunked bodies, latin-1 bytes in paths and headers. One
 * connection per request, so a request the server mishandles cannot poison the next one.
 */
import http from 'node:http';
import zlib from 'node:zlib';

export interface Wire {
  method: string;
  /** Path and query, exactly as sent. */
  path: string;
  headers: readonly (readonly [string, string])[];
  body?: Buffer;
  chunked: boolean;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The body, decompressed and read as UTF-8. */
  text: string;
  ms: number;
}

export type Sent = { ok: true; answer: Answer } | { ok: false; error: string; timedOut: boolean; ms: number };

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding) {
    case 'gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    case 'br':
      return zlib.brotliDecompressSync(body);
    default:
      return body;
  }
}

/** Sends one request to `baseUrl`; never throws: a timeout or a connection error is an answer too. */
export function send(baseUrl: string, wire: Wire, timeoutMs: number): Promise<Sent> {
  const url = new URL(baseUrl);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  return new Promise<Sent>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (sent: Sent) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(sent);
    };
    const headers: Record<string, string> = { connection: 'close' };
    for (const [key, value] of wire.headers) headers[key] = value;
    if (wire.body && !wire.chunked) headers['content-length'] = String(wire.body.length);
    if (wire.body && wire.chunked) headers['transfer-encoding'] = 'chunked';
    let request: http.ClientRequest;
    try {
      request = http.request({
        host: url.hostname,
        port: url.port,
        method: wire.method,
        path: wire.path,
        headers,
        agent: false,
      });
    } catch (error) {
      // The client itself refused the request (a header or path Node will not send): not the server's doing.
      settle({ ok: false, error: `client refused: ${(error as Error).message}`, timedOut: false, ms: 0 });
      return;
    }
    timer = setTimeout(() => {
      request.destroy();
      settle({ ok: false, error: `no answer within ${timeoutMs} ms`, timedOut: true, ms: elapsed() });
    }, timeoutMs);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) =>
        settle({ ok: false, error: `answer cut: ${error.message}`, timedOut: false, ms: elapsed() }),
      );
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        let text: string;
        try {
          text = decode(raw, response.headers['content-encoding']).toString('utf8');
        } catch (error) {
          text = `<undecodable ${response.headers['content-encoding']} body: ${(error as Error).message}>`;
        }
        const flat: Record<string, string> = {};
        for (const [key, value] of Object.entries(response.headers)) {
          if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
        }
        settle({
          ok: true,
          answer: { status: response.statusCode ?? 0, headers: flat, text, ms: elapsed() },
        });
      });
    });
    request.on('error', (error) =>
      settle({ ok: false, error: error.message, timedOut: false, ms: elapsed() }),
    );
    if (wire.body && wire.chunked) {
      // A few chunks, so the server sees a body arrive in pieces.
      const third = Math.ceil(wire.body.length / 3);
      for (let at = 0; at < wire.body.length; at += third) request.write(wire.body.subarray(at, at + third));
      request.end();
    } else {
      request.end(wire.body);
    }
  });
}
