/**
 * Imports one chunk of a batch: reads its staged rows, converts them in memory, writes the valid
 * ones with a handful of set-based statements and records every row's outcome. Everything it
 * writes goes through `db`, the transaction in which the queue completes the chunk's job, so a
 * crash or a retry can never import a chunk twice.
 */

import { type Queryable, withSavepoint } from '../db/pool';
import { coerceError, type Logger } from '../log';
import { resolveAuthors, type WriteContext, writeEntrances } from './entranceWrites';
import { countOutcomes, type OutcomeCounts, type RowOutcome } from './outcomes';
import type { ReferenceData } from './referenceData';
import { convertRow, type EntranceRecord } from './rowConversion';
import { recordChunkOutcomes } from './stagedRows';

export interface ChunkRef {
  batchId: string;
  chunk: number;
  initiatorId: number;
}

export interface ChunkDependencies {
  /** The chunk's transaction. */
  db: Queryable;
  /** Outside the transaction: authors are shared by concurrent chunks (see resolveAuthors). */
  pool: Queryable;
  referenceData: () => Promise<ReferenceData>;
  log: Logger;
}

export interface ChunkSummary extends OutcomeCounts {
  batchId: string;
  chunk: number;
  rows: number;
  /** Rows that the set-based write rejected and that were retried one by one. */
  isolatedRows: number;
}

export async function importChunk(ref: ChunkRef, deps: ChunkDependencies): Promise<ChunkSummary> {
  const { db } = deps;
  // Locked: a stale attempt of this job that is still running waits here instead of interleaving.
  const { rows } = await db.query<{ line: number; data: Record<string, unknown> }>(
    `SELECT line, data FROM t_job_batch_row
      WHERE id_job_batch = $1 AND chunk = $2 AND outcome IS NULL
      ORDER BY line FOR UPDATE`,
    [ref.batchId, ref.chunk],
  );
  const reference = await deps.referenceData();

  const outcomes: RowOutcome[] = [];
  const records: EntranceRecord[] = [];
  for (const { line, data } of rows) {
    const conversion = convertRow(data, line, reference);
    if (conversion.ok) records.push(conversion.record);
    else outcomes.push({ line, outcome: 'failure', message: conversion.message });
  }

  const context: WriteContext = {
    batchId: ref.batchId,
    initiatorId: ref.initiatorId,
    resolveAuthors: (nicknames) => resolveAuthors(deps.pool, nicknames),
  };
  const written = await writeWithIsolation(db, records, context, deps.log);
  outcomes.push(...written.outcomes);

  await recordChunkOutcomes(db, ref.batchId, outcomes);
  return {
    batchId: ref.batchId,
    chunk: ref.chunk,
    rows: rows.length,
    ...countOutcomes(outcomes),
    isolatedRows: written.isolated,
  };
}

/**
 * Errors that say nothing about the rows (a deadlock, a cancelled statement, a lost connection, a
 * server shutting down): the whole chunk is retried instead of failing rows that are fine.
 */
export function isTransientError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(40001|40P01|55P03|57014|57P0[1-3]|53\d{3}|08\d{3})$/.test(code);
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
      outcomes.push(...(await withSavepoint(db, 'row_write', () => writeEntrances(db, [record], context))));
    } catch (error) {
      if (isTransientError(error)) throw error;
      outcomes.push({ line: record.line, outcome: 'failure', message: coerceError(error).message });
    }
  }
  return { outcomes, isolated: records.length };
}
