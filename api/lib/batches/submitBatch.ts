/**
 * Accepts an import request (SPEC 5, checks 3 to 6): validates the payload, then creates the batch,
 * stages its rows and enqueues its chunk jobs in one transaction, so a failure leaves none of them.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { toExecuteSql, withTransaction } from '../db/pool';
import { HttpError } from '../http/errors';
import { assignChunks, countChunks } from '../import/chunking';
import { importKey, missingColumns, missingColumnsMessage, type Row, storableRow } from '../import/columns';
import { stageRows } from '../import/stagedRows';
import { coerceError, createLogger } from '../log';
import { isQueueAvailable } from '../queue/boss';
import { type ChunkJob, QUEUES } from '../queue/queues';
import { statusUrl } from './batchPresenter';
import { insertBatch } from './batchRepository';

const log = createLogger('import');

export interface SubmitDependencies {
  pool: pg.Pool;
  boss: PgBoss | null;
  chunkSize: number;
  maxRows: number;
}

export interface Accepted {
  batchId: string;
  totalRows: number;
  totalChunks: number;
  statusUrl: string;
}

export const MESSAGES = Object.freeze({
  notAdministrator: 'You are not authorized to import entrances via CSV.',
  noData: 'Request body must contain a non-empty "data" array.',
  queueUnavailable: 'Job queue is not available. Please try again later.',
  enqueueFailed: 'Failed to enqueue import batch.',
});

export function validateRows(body: unknown, maxRows: number): Row[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length === 0 || !data.every(isPlainObject)) {
    throw new HttpError(400, MESSAGES.noData);
  }
  // Only the first row: a fast answer for a wrong file. Later rows fail one by one in the workers.
  const missing = missingColumns(data[0]);
  if (missing.length) throw new HttpError(400, missingColumnsMessage(missing));
  if (data.length > maxRows) {
    throw new HttpError(
      413,
      `Too many rows: ${data.length}. At most ${maxRows} rows can be imported at once; split the file.`,
    );
  }
  return data;
}

/** Every column name, in order of first appearance: the header of the uploaded file. */
function columnsOf(rows: readonly Row[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) columns.add(column);
  return [...columns];
}

function isPlainObject(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function submitBatch(
  deps: SubmitDependencies,
  initiatorId: number,
  body: unknown,
): Promise<Accepted> {
  // Cells jsonb cannot hold are repaired here and fail their row in the worker, not the whole batch.
  const rows = validateRows(body, deps.maxRows).map(storableRow);
  const boss = deps.boss;
  if (!boss || !(await isQueueAvailable(boss))) throw new HttpError(500, MESSAGES.queueUnavailable);

  const chunkOf = assignChunks(rows.map(importKey), deps.chunkSize);
  const totalChunks = countChunks(chunkOf);
  const batchId = randomUUID();
  const started = Date.now();
  try {
    await withTransaction(deps.pool, async (client) => {
      await insertBatch(client, {
        id: batchId,
        initiatorId,
        totalRows: rows.length,
        chunkSize: deps.chunkSize,
        totalChunks,
        columns: columnsOf(rows),
      });
      await stageRows(client, batchId, rows, chunkOf);
      const jobs = Array.from({ length: totalChunks }, (_, chunk) => ({
        data: { batchId, chunk, initiatorId } satisfies ChunkJob,
      }));
      await boss.insert(QUEUES.chunk, jobs, { db: toExecuteSql(client) });
    });
  } catch (error) {
    log.error('Could not create the import batch', { batch: batchId, error: coerceError(error) });
    throw new HttpError(500, MESSAGES.enqueueFailed);
  }
  log.info('Import batch accepted', {
    batch: batchId,
    rows: rows.length,
    chunks: totalChunks,
    ms: Date.now() - started,
  });
  return { batchId, totalRows: rows.length, totalChunks, statusUrl: statusUrl(batchId) };
}
