/**
 * Step 1, accepting an import (SPEC 5, checks 4 to 6): the rows stream from the request straight
 * into staging, their key groups are placed into chunks, and the batch row and its chunk jobs are
 * created, all in one transaction: a bad request or a failure leaves none of them, and no file is
 * ever held whole in memory.
 */
import { hash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  ConflictError,
  DatabaseUnavailableError,
  EnqueueFailedError,
  isDomainError,
  QueueUnavailableError,
  UnavailableError,
} from '../core/errors';
import { createLogger } from '../core/log';
import type { Slots } from '../core/slots';
import { QUEUES } from '../core/types';
import { isUnavailableError, withTransaction } from '../db/pool';
import { findBatch, insertBatch } from '../db/sql/batches';
import { analyzeStagingTable, copyStagedRows, type RowToStage } from '../db/sql/batchRows';
import { deletedAccountError } from '../db/sql/cavers';
import { claimIdempotencyKey, findIdempotencyKey } from '../db/sql/importRequests';
import { insertKeyGroups, readKeyGroups } from '../db/sql/keyGroups';
import { ChunkPlanner } from '../rows/chunking';
import { importKey, type Row, storableRow } from '../rows/columns';
import type { JobQueue } from './ports';
import { checkedRows, type ImportLimits, type NumberedRow, type RequestShape } from './requestRows';

const log = createLogger('import');

/** Key groups read per statement; keys on several rows are written once this many have gathered. */
const GROUPS_PER_PAGE = 10_000;

/** From this many rows, a batch is a large part of the staging tables: their statistics are refreshed. */
const ANALYZE_FROM_ROWS = 10_000;

export interface SubmitDependencies {
  pool: pg.Pool;
  queue: JobQueue;
  chunkSize: number;
  limits: ImportLimits;
  /** Staging holds a pooled connection for as long as the rows arrive: one slot per upload. */
  uploads: Slots;
}

export interface AcceptedBatch {
  batchId: string;
  totalRows: number;
  totalChunks: number;
  /** True when an earlier request with the same Idempotency-Key and body created this batch. */
  replayed?: boolean;
}

/** An Idempotency-Key (SPEC 13) and the digest of the body it came with, known once it is read. */
export interface Idempotency {
  key: string;
  bodyDigest(): string;
}

/** Unwinds the transaction of a request that repeats an earlier one: nothing of it is kept. */
class RepeatedRequest extends Error {
  constructor(readonly batchId: string) {
    super('The request repeats an earlier one');
  }
}

const SUBMIT_MESSAGES = Object.freeze({
  queueUnavailable: 'Job queue is not available. Please try again later.',
  enqueueFailed: 'Failed to enqueue import batch.',
  keyReused:
    'This Idempotency-Key was used in the last 24 hours for another request body. Use a new key for a new import.',
  tooManyUploads:
    'This server is receiving as many imports as it can right now. Try again in a minute; nothing of this request was kept.',
});

const UPLOAD_RETRY_AFTER_SECONDS = 30;

/**
 * A 64-bit hash of a row's import key: rows sharing a key share it, so they share a chunk. Two keys
 * that collide (one chance in 2^64 a pair) would only share a chunk too. A row without a key is a
 * group of its own, named by its line.
 */
function keyHashOf(row: Row, line: number): string {
  const key = importKey(row);
  return key === undefined ? String(-line) : hash('sha1', key, 'buffer').readBigInt64BE(0).toString();
}

/** The request's rows, repaired for storage (a cell jsonb cannot hold fails its row later, not the batch). */
async function* rowsToStage(rows: AsyncIterable<NumberedRow>): AsyncGenerator<RowToStage> {
  for await (const { row, line } of rows) {
    const cells = storableRow(row);
    yield { line, keyHash: keyHashOf(cells, line), cells };
  }
}

/**
 * Places the staged key groups into chunks, in order of their first line: records the chunk of each
 * key on several rows, and returns the first line of each chunk (rows alone with their key are
 * placed by their line).
 */
async function placeKeyGroups(client: pg.PoolClient, batchId: string, chunkSize: number): Promise<number[]> {
  const planner = new ChunkPlanner(chunkSize);
  const chunkFirstLines: number[] = [];
  let keyHashes: string[] = [];
  let chunks: number[] = [];
  for await (const page of readKeyGroups(client, batchId, GROUPS_PER_PAGE)) {
    for (const group of page) {
      const chunk = planner.place(group.size);
      if (chunk === chunkFirstLines.length) chunkFirstLines.push(group.firstLine);
      if (group.keyHash === null) continue;
      keyHashes.push(group.keyHash);
      chunks.push(chunk);
    }
    if (keyHashes.length < GROUPS_PER_PAGE) continue;
    await insertKeyGroups(client, batchId, keyHashes, chunks);
    keyHashes = [];
    chunks = [];
  }
  await insertKeyGroups(client, batchId, keyHashes, chunks);
  return chunkFirstLines;
}

export async function submitBatch(
  deps: SubmitDependencies,
  initiatorId: number,
  requestRows: AsyncIterable<NumberedRow>,
  idempotency?: Idempotency,
): Promise<AcceptedBatch> {
  if (!(await deps.queue.isAvailable())) throw new QueueUnavailableError(SUBMIT_MESSAGES.queueUnavailable);
  const release = deps.uploads.tryTake();
  if (!release) throw new UnavailableError(SUBMIT_MESSAGES.tooManyUploads, UPLOAD_RETRY_AFTER_SECONDS);
  try {
    return await stageBatch(deps, initiatorId, requestRows, idempotency);
  } finally {
    release();
  }
}

async function stageBatch(
  deps: SubmitDependencies,
  initiatorId: number,
  requestRows: AsyncIterable<NumberedRow>,
  idempotency?: Idempotency,
): Promise<AcceptedBatch> {
  const batchId = randomUUID();
  const started = Date.now();
  const shape: RequestShape = { rows: 0 };
  try {
    const totalChunks = await withTransaction(deps.pool, async (client) => {
      const staged = await copyStagedRows(
        client,
        batchId,
        rowsToStage(checkedRows(requestRows, deps.limits, shape)),
      );
      const large = shape.rows >= ANALYZE_FROM_ROWS;
      if (large) await analyzeStagingTable(client, 't_job_batch_row');
      const chunkFirstLines = await placeKeyGroups(client, batchId, deps.chunkSize);
      const totalChunks = chunkFirstLines.length;
      if (large) await analyzeStagingTable(client, 't_job_batch_group');
      // The body has been read whole: its digest is known. Claimed before the batch exists, so a
      // repeated request waits here for the first one's outcome instead of creating a batch of its own.
      if (idempotency) await claimKey(client, idempotency, initiatorId, batchId);
      const batch = {
        id: batchId,
        initiatorId,
        totalRows: shape.rows,
        totalChunks,
        chunkSize: deps.chunkSize,
      };
      await insertBatch(client, { ...batch, columns: staged.columns, chunkFirstLines });
      const jobs = Array.from({ length: totalChunks }, (_, chunk) => ({ batchId, chunk, initiatorId }));
      await deps.queue.sendAll(QUEUES.chunk, jobs, { db: client });
      return totalChunks;
    });
    log.info('Import batch accepted', {
      batch: batchId,
      rows: shape.rows,
      chunks: totalChunks,
      ms: Date.now() - started,
    });
    return { batchId, totalRows: shape.rows, totalChunks };
  } catch (error) {
    if (error instanceof RepeatedRequest) return acceptedEarlier(deps.pool, error.batchId);
    // A bad request (a limit, a malformed file) is the caller's to hear about; anything else is ours.
    if (isDomainError(error)) throw error;
    // A token still valid for an account deleted since: nobody to import for.
    const accountGone = deletedAccountError(error);
    if (accountGone) throw accountGone;
    // The database lost or busy mid-upload: nothing was kept, and the same upload may work soon.
    if (isUnavailableError(error)) {
      log.warn('Import batch not created: the database is unavailable', {
        batch: batchId,
        error: error as Error,
      });
      throw new DatabaseUnavailableError({ cause: error });
    }
    log.error('Could not create the import batch', { batch: batchId, error: error as Error });
    throw new EnqueueFailedError(SUBMIT_MESSAGES.enqueueFailed, { cause: error });
  }
}

/**
 * A request whose key an earlier import holds: its body is digested without being staged (a retried
 * upload of a million rows answers in the time it takes to read it), then answered with that import's
 * 202, or a 409 for another body. Null when no import holds the key: the request is submitted, and its
 * transaction claims the key (two such requests at once still create one batch).
 */
export async function acceptedForKey(
  pool: pg.Pool,
  initiatorId: number,
  key: string,
  digestBody: () => Promise<string>,
): Promise<AcceptedBatch | null> {
  const holder = await findIdempotencyKey(pool, initiatorId, key);
  if (!holder) return null;
  if ((await digestBody()) !== holder.bodyDigest) throw new ConflictError(SUBMIT_MESSAGES.keyReused);
  return acceptedEarlier(pool, holder.batchId);
}

/** Takes the key for this batch, or unwinds the transaction: with the original batch, or a 409. */
async function claimKey(
  client: pg.PoolClient,
  idempotency: Idempotency,
  initiatorId: number,
  batchId: string,
): Promise<void> {
  const bodyDigest = idempotency.bodyDigest();
  const holder = await claimIdempotencyKey(client, {
    caverId: initiatorId,
    key: idempotency.key,
    bodyDigest,
    batchId,
  });
  if (!holder) return;
  if (holder.bodyDigest !== bodyDigest) throw new ConflictError(SUBMIT_MESSAGES.keyReused);
  throw new RepeatedRequest(holder.batchId);
}

/** The answer the first request with this key and body got. */
async function acceptedEarlier(pool: pg.Pool, batchId: string): Promise<AcceptedBatch> {
  const batch = await findBatch(pool, batchId);
  if (!batch) throw new Error(`Batch ${batchId} of an Idempotency-Key is missing`);
  return { batchId, totalRows: batch.total_rows, totalChunks: batch.total_chunks, replayed: true };
}
