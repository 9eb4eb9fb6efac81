/**
 * The benchmark's HTTP client: check-rows, an import POSTed as JSON or streamed from a CSV file, and
 * the pollers that watch the job (each with keep-alive, as a browser would) and time every poll.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Client {
  url: string;
  token: string;
}

export interface Counts {
  successes: number;
  duplicates: number;
  failures: number;
}

export interface JobStatus {
  status: string;
  progress: Counts & { totalRows: number; totalChunks: number; completedChunks: number };
  result: { error?: string } | null;
}

const IMPORT_PATH = '/api/v1/entrances/import-rows';
const CHECK_PATH = '/api/v1/entrances/check-rows';

const auth = (client: Client) => ({ authorization: `Bearer ${client.token}` });

/** The `message` of an error answer, or its text. */
async function messageOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return String((JSON.parse(text) as { message?: unknown }).message ?? text);
  } catch {
    return text.slice(0, 300);
  }
}

/** check-rows on a JSON body: the time to the last byte of the answer, and how it classified the rows. */
export async function checkRows(client: Client, body: string): Promise<{ ms: number; counts: Counts }> {
  const started = performance.now();
  const res = await fetch(`${client.url}${CHECK_PATH}`, {
    method: 'POST',
    headers: { ...auth(client), 'content-type': 'application/json' },
    body,
  });
  if (res.status !== 200) throw new Error(`check-rows answered ${res.status}: ${await messageOf(res)}`);
  const text = await res.text();
  const ms = performance.now() - started;
  const answer = JSON.parse(text) as Record<
    'willBeCreated' | 'willBeCreatedAsDuplicates' | 'wontBeCreated',
    unknown[]
  >;
  return {
    ms,
    counts: {
      successes: answer.willBeCreated.length,
      duplicates: answer.willBeCreatedAsDuplicates.length,
      failures: answer.wontBeCreated.length,
    },
  };
}

export type ImportBody = { json: string } | { csvFile: string };

export type Posted =
  | { ok: true; batchId: string; statusUrl: string; startedAt: number; startedWall: number; ms: number }
  | { ok: false; status: number; message: string };

/** POSTs an import and times it to its 202. A CSV file is streamed from disk, never read whole. */
export async function postImport(client: Client, body: ImportBody): Promise<Posted> {
  const init: RequestInit & { duplex?: 'half' } =
    'json' in body
      ? { headers: { ...auth(client), 'content-type': 'application/json' }, body: body.json }
      : {
          headers: { ...auth(client), 'content-type': 'text/csv' },
          body: Readable.toWeb(createReadStream(body.csvFile)) as ReadableStream<Uint8Array>,
          duplex: 'half',
        };
  const startedWall = Date.now();
  const startedAt = performance.now();
  let res: Response;
  try {
    res = await fetch(`${client.url}${IMPORT_PATH}`, { ...init, method: 'POST' });
  } catch (error) {
    return { ok: false, status: 0, message: String((error as Error).cause ?? error) };
  }
  if (res.status !== 202) return { ok: false, status: res.status, message: await messageOf(res) };
  const answer = (await res.json()) as { batchId: string; statusUrl: string };
  return { ok: true, ...answer, startedAt, startedWall, ms: performance.now() - startedAt };
}

export interface Watched {
  /** performance.now() when a poller first saw the batch ended. */
  endedAt: number;
  final: JobStatus;
  latencies: number[];
  errors: number;
}

/**
 * `pollers` clients each GET the job `hz` times a second (a new poll as soon as the last answered
 * when it took longer than the period), from now until one of them sees it completed or failed.
 */
export async function watchJob(
  client: Client,
  statusUrl: string,
  options: { pollers: number; hz: number; timeoutMs: number },
): Promise<Watched> {
  const period = 1000 / options.hz;
  const latencies: number[] = [];
  let errors = 0;
  let ended: { at: number; status: JobStatus } | null = null;
  const deadline = performance.now() + options.timeoutMs;

  const poller = async (index: number) => {
    await sleep((index * period) / options.pollers); // spread over the period, as independent clients are
    while (!ended && performance.now() < deadline) {
      const started = performance.now();
      try {
        const res = await fetch(`${client.url}${statusUrl}`, { headers: auth(client) });
        const status = (await res.json()) as JobStatus;
        const now = performance.now();
        latencies.push(now - started);
        if (res.status !== 200) errors++;
        else if (!ended && ['completed', 'failed', 'cancelled'].includes(status.status)) {
          ended = { at: now, status };
        }
      } catch {
        errors++;
      }
      const wait = period - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
  };
  await Promise.all(Array.from({ length: options.pollers }, (_, i) => poller(i)));
  const result = ended as { at: number; status: JobStatus } | null;
  if (!result) throw new Error(`The import did not end within ${options.timeoutMs / 1000} s`);
  return { endedAt: result.at, final: result.status, latencies, errors };
}
