/**
 * Step 1, accepting an import (SPEC 5, checks 4 to 6): checks the rows, then creates the batch,
 * stages its rows and enqueues its chunk jobs in one transaction, so a failure leaves none of them.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  coerceError,
  EnqueueFailedError,
  InvalidInputError,
  QueueUnavailableError,
  TooLargeError,
} from '../core/errors';
import { mapInTurns } from '../core/eventLoop';
import { createLogger } from '../core/log';
import { QUEUES } from '../core/types';
import { withTransaction } from '../db/pool';
import { insertBatch } from '../db/sql/batches';
import { stageRows } from '../db/sql/batchRows';
import { assignChunks, countChunks } from '../rows/chunking';
import { importKey, missingColumns, missingColumnsMessage, type Row, storableRow } from '../rows/columns';
import type { JobQueue } from './ports';

const log = createLogger('import');

/** Rows repaired per turn of the event loop while a large request is accepted. */
const ROWS_PER_TURN = 5000;

export interface SubmitDependencies {
  pool: pg.Pool;
  queue: JobQueue;
  chunkSize: number;
  limits: ImportLimits;
}

export interface AcceptedBatch {
  batchId: string;
  totalRows: number;
  totalChunks: number;
}

const SUBMIT_MESSAGES = Object.freeze({
  queueUnavailable: 'Job queue is not available. Please try again later.',
  enqueueFailed: 'Failed to enqueue import batch.',
});

export interface ImportLimits {
  maxRows: number;
  maxColumns: number;
}

/**
 * The checks a whole request must pass before anything is created. Only the first row's cells are
 * checked: a fast answer for a wrong file; later rows fail one by one in the workers.
 */
export function checkImportRows(rows: readonly Row[], limits: ImportLimits): void {
  if (rows.length === 0) throw new InvalidInputError('There are no rows to import.');
  const missing = missingColumns(rows[0]);
  if (missing.length) throw new InvalidInputError(missingColumnsMessage(missing));
  const columns = columnsOf(rows);
  if (columns.length > limits.maxColumns) {
    throw new InvalidInputError(`Too many columns: ${columns.length} (max ${limits.maxColumns})`);
  }
  if (rows.length > limits.maxRows) {
    throw new TooLargeError(
      `Too many rows: ${rows.length}. At most ${limits.maxRows} rows can be imported at once; split the file.`,
    );
  }
}

/** Every column name, in order of first appearance: the header of the file. */
function columnsOf(rows: readonly Row[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) columns.add(column);
  return [...columns];
}

export async function submitBatch(
  deps: SubmitDependencies,
  initiatorId: number,
  requestRows: readonly Row[],
): Promise<AcceptedBatch> {
  checkImportRows(requestRows, deps.limits);
  // Cells jsonb cannot hold are repaired here and fail their row in the worker, not the whole batch.
  const rows = await mapInTurns(requestRows, ROWS_PER_TURN, storableRow);
  const columns = columnsOf(rows);
  if (!(await deps.queue.isAvailable())) throw new QueueUnavailableError(SUBMIT_MESSAGES.queueUnavailable);

  const chunkOf = assignChunks(rows.map(importKey), deps.chunkSize);
  const totalChunks = countChunks(chunkOf);
  const batchId = randomUUID();
  const started = Date.now();
  try {
    await withTransaction(deps.pool, async (client) => {
      const batch = { id: batchId, initiatorId, totalRows: rows.length, totalChunks };
      await insertBatch(client, { ...batch, chunkSize: deps.chunkSize, columns });
      await stageRows(client, batchId, rows, chunkOf);
      const chunks = Array.from({ length: totalChunks }, (_, chunk) => ({ batchId, chunk, initiatorId }));
      await deps.queue.sendAll(QUEUES.chunk, chunks, { db: client });
    });
  } catch (error) {
    log.error('Could not create the import batch', { batch: batchId, error: coerceError(error) });
    throw new EnqueueFailedError(SUBMIT_MESSAGES.enqueueFailed, { cause: error });
  }
  log.info('Import batch accepted', {
    batch: batchId,
    rows: rows.length,
    chunks: totalChunks,
    ms: Date.now() - started,
  });
  return { batchId, totalRows: rows.length, totalChunks };
}
