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

  const authorIds = await resolveAuthors(deps.pool, records.flatMap(authorsOf));
  const context: WriteContext = { batchId: ref.batchId, initiatorId: ref.initiatorId, authorIds };
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

function authorsOf(record: EntranceRecord): string[] {
  return [record.author, record.description?.author, record.location?.author].filter((a): a is string => !!a);
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
      outcomes.push({ line: record.line, outcome: 'failure', message: coerceError(error).message });
    }
  }
  return { outcomes, isolated: records.length };
}
