/**
 * Step 2, importing a chunk and completing it: reads the chunk's staged rows a window at a time,
 * converts them in memory, writes the valid ones with a handful of set-based statements, records
 * every row's outcome, adds the counts to the batch and enqueues the completion check. Everything
 * goes through `db`, the transaction in which the queue completes the chunk's job, so a crash or a
 * retry can never import a chunk twice.
 */
import { coerceError } from '../core/errors';
import { cellsOf, mapInTurns } from '../core/eventLoop';
import type { Logger } from '../core/log';
import { type ChunkRef, QUEUES, type RowOutcome } from '../core/types';
import { isTransientError, type Queryable, withSavepoint } from '../db/pool';
import { addChunkCounts, isCancelled } from '../db/sql/batches';
import { failUnfinishedRows, insertRowOutcomes } from '../db/sql/batchOutcomes';
import {
  commitWithoutWaitingForDisk,
  lockChunk,
  readUnfinishedChunkRows,
  type StagedRow,
} from '../db/sql/batchRows';
import { reportCellsOf } from '../reports/csvReports';
import { CANCELLED_ROW_MESSAGE, countOutcomes } from '../rows/outcomes';
import type { ReferenceData } from '../rows/referenceData';
import { convertRow, type EntranceRecord } from '../rows/rowConversion';
import { resolveAuthors, type WriteContext, writeEntrances } from './entranceWrites';
import type { JobQueue } from './ports';

export interface ChunkDependencies {
  /** The chunk's transaction. */
  db: Queryable;
  /** Outside the transaction: authors are shared by concurrent chunks (see resolveAuthors). */
  pool: Queryable;
  queue: JobQueue;
  referenceData: () => Promise<ReferenceData>;
  log: Logger;
  /**
   * Rows converted and written at a time (IMPORT_CHUNK_SIZE): a chunk has no more unless one key
   * group is larger (all its rows are imported by one worker, in line order), and windows keep such a
   * chunk's memory and turns of the event loop those of a normal one.
   */
  windowRows: number;
}

export interface ChunkSummary {
  batchId: string;
  chunk: number;
  rows: number;
  successes: number;
  duplicates: number;
  failures: number;
  /** Rows that the set-based write rejected and that were retried one by one. */
  isolatedRows: number;
}

export async function importChunk(ref: ChunkRef, deps: ChunkDependencies): Promise<ChunkSummary> {
  const { db } = deps;
  await commitWithoutWaitingForDisk(db);
  await lockChunk(db, ref.batchId, ref.chunk);
  // A chunk fetched before its batch was cancelled, not started yet: it imports nothing.
  if (await isCancelled(db, ref.batchId)) return skipCancelledChunk(ref, deps);
  const reference = await deps.referenceData();
  const context: WriteContext = {
    batchId: ref.batchId,
    initiatorId: ref.initiatorId,
    resolveAuthors: (nicknames) => resolveAuthors(deps.pool, nicknames),
  };
  const counts = { successes: 0, duplicates: 0, failures: 0 };
  let rows = 0;
  let isolatedRows = 0;
  // A later window's row whose key an earlier window inserted finds it (same transaction): a duplicate.
  for await (const window of readUnfinishedChunkRows(db, ref.batchId, ref.chunk, deps.windowRows)) {
    const written = await importRows(window, reference, context, deps);
    rows += window.length;
    isolatedRows += written.isolated;
    const windowCounts = countOutcomes(written.outcomes);
    counts.successes += windowCounts.successes;
    counts.duplicates += windowCounts.duplicates;
    counts.failures += windowCounts.failures;
  }
  await completeChunk(db, deps.queue, ref.batchId, counts);
  return { batchId: ref.batchId, chunk: ref.chunk, rows, ...counts, isolatedRows };
}

/** Converts staged rows, writes the valid ones and records every row's outcome. */
async function importRows(
  rows: readonly StagedRow[],
  reference: ReferenceData,
  context: WriteContext,
  deps: ChunkDependencies,
): Promise<{ outcomes: RowOutcome[]; isolated: number }> {
  const failures: RowOutcome[] = [];
  const records: EntranceRecord[] = [];
  const conversions = await mapInTurns(
    rows,
    ({ data }) => cellsOf(data),
    ({ line, data }) => convertRow(data, line, reference),
  );
  conversions.forEach((conversion, index) => {
    if (conversion.ok) records.push(conversion.record);
    else failures.push({ line: rows[index].line, outcome: 'failure', message: conversion.message });
  });
  const written = await writeWithIsolation(deps.db, records, context, deps.log);
  const outcomes = failures.concat(written.outcomes);
  const dataOf = new Map(rows.map((row) => [row.line, row.data]));
  const reportCells = outcomes.map((o) => reportCellsOf(o.outcome, dataOf.get(o.line) ?? {}));
  await insertRowOutcomes(deps.db, context.batchId, outcomes, reportCells);
  return { outcomes, isolated: written.isolated };
}

/** The rows of a chunk whose batch was cancelled become failures that say so. */
async function skipCancelledChunk(ref: ChunkRef, deps: ChunkDependencies): Promise<ChunkSummary> {
  const failures = await failUnfinishedRows(deps.db, ref.batchId, ref.chunk, CANCELLED_ROW_MESSAGE);
  const counts = { successes: 0, duplicates: 0, failures };
  await completeChunk(deps.db, deps.queue, ref.batchId, counts);
  return { batchId: ref.batchId, chunk: ref.chunk, rows: failures, ...counts, isolatedRows: 0 };
}

/**
 * A chunk is done: its counts join the batch's and a completion check is enqueued, both in the
 * chunk's transaction, so the check exists exactly when the counts do.
 */
async function completeChunk(
  db: Queryable,
  queue: JobQueue,
  batchId: string,
  counts: { successes: number; duplicates: number; failures: number },
): Promise<void> {
  await addChunkCounts(db, batchId, counts);
  await queue.send(QUEUES.completionCheck, { batchId }, { db });
  // The chunk workers fetch the next chunk as soon as they are free: without this, each one sleeps a
  // polling interval after every chunk, and a batch's chunks ran with the workers idle half the time.
  await queue.wakeWorkers(QUEUES.chunk, { db });
}

/**
 * Writes all records at once; if a statement fails on data the validation missed, retries them one
 * by one, each in its own savepoint, so the bad row fails alone with the database's message.
 */
async function writeWithIsolation(
  db: Queryable,
  records: readonly EntranceRecord[],
  context: WriteContext,
  log: Logger,
): Promise<{ outcomes: RowOutcome[]; isolated: number }> {
  try {
    return {
      outcomes: await withSavepoint(db, 'chunk_write', () => writeEntrances(db, records, context)),
      isolated: 0,
    };
  } catch (error) {
    if (isTransientError(error)) throw error;
    log.warn('Set-based write failed; isolating rows one by one', {
      error: coerceError(error),
      rows: records.length,
    });
  }
  const outcomes: RowOutcome[] = [];
  for (const record of records) {
    try {
      const [outcome] = await withSavepoint(db, 'row_write', () => writeEntrances(db, [record], context));
      outcomes.push(outcome);
    } catch (error) {
      if (isTransientError(error)) throw error;
      outcomes.push({ line: record.line, outcome: 'failure', message: coerceError(error).message });
    }
  }
  return { outcomes, isolated: records.length };
}
