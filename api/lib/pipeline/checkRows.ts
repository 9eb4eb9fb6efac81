/**
 * The dry run of an import (SPEC 12.1): classifies every row exactly as import-rows would if the same
 * payload were submitted now, and writes nothing. It runs the import's own code, not a copy of it:
 * the request checks of requestRows.ts, the storage repair and row conversion the chunk applies, and the
 * write plan's rule for which row of a key creates the entrance (the first valid row of a key no live
 * entrance holds). Affinity chunking keeps every row of a key in one chunk, in line order, so that
 * rule applied to the whole payload in line order gives each row the class its chunk would give it.
 *
 * Rows are classified as they stream, a slice at a time (one key lookup per slice), so the summary
 * of a file of any size needs only its keys in memory; Grottocenter's full answer lists the rows
 * themselves, and so holds them.
 */
import { hash } from 'node:crypto';
import { cellsOf, mapInTurns } from '../core/eventLoop';
import type { Queryable } from '../db/pool';
import { findEntrancesByImportKey } from '../db/sql/entrances';
import { type Row, storableRow } from '../rows/columns';
import type { ReferenceData } from '../rows/referenceData';
import { convertRow, type EntranceRecord } from '../rows/rowConversion';
import { checkedRows, type ImportLimits, type NumberedRow } from './requestRows';
import { entranceIdsByKey, importKeyOfRecord } from './writePlan';

export interface CheckDependencies {
  db: Queryable;
  referenceData: () => Promise<ReferenceData>;
  limits: ImportLimits;
}

/**
 * Grottocenter's answer: the input rows, unchanged and in input order, in three lists, each item as
 * its JSON text. Text, not objects: a row held as text takes a fraction of the memory, and a file's
 * rows are held until the answer is written.
 */
export interface CheckResult {
  willBeCreated: string[];
  willBeCreatedAsDuplicates: string[];
  wontBeCreated: string[];
}

/** The answer for a file too large to echo (`?summary=true`): the counts and the first failures. */
export interface CheckSummary {
  counts: { willBeCreated: number; willBeCreatedAsDuplicates: number; wontBeCreated: number };
  /** The first failures, in line order (at most `SUMMARY_FAILURES`). */
  wontBeCreated: { line: number; message: string }[];
}

export const SUMMARY_FAILURES = 100;

type RowClass = { kind: 'create' } | { kind: 'duplicate' } | { kind: 'failure'; message: string };

// Rows per slice: one key lookup a slice, and a turn of the event loop between slices.
const SLICE = 2000;

/** Each row with its line and class, in line order. */
async function* classifyRows(
  deps: CheckDependencies,
  requestRows: AsyncIterable<NumberedRow>,
): AsyncGenerator<{ row: Row; line: number; class: RowClass }> {
  const reference = await deps.referenceData();
  // The keys a valid earlier row has claimed (hashed: a million keys stay a few tens of megabytes).
  const claimed = new Set<string>();
  let slice: { row: Row; line: number }[] = [];
  const classify = async function* () {
    const conversions = await mapInTurns(
      slice,
      ({ row }) => cellsOf(row),
      ({ row, line }) => convertRow(storableRow(row), line, reference),
    );
    const records = conversions.flatMap((c) => (c.ok ? [c.record] : []));
    const existing = entranceIdsByKey(
      await findEntrancesByImportKey(deps.db, records.map(importKeyOfRecord)),
    );
    for (const [i, { row, line }] of slice.entries()) {
      const conversion = conversions[i];
      yield {
        row,
        line,
        class: conversion.ok ? classOf(conversion.record, existing, claimed) : failure(conversion.message),
      };
    }
    slice = [];
  };
  for await (const item of checkedRows(requestRows, deps.limits)) {
    slice.push(item);
    if (slice.length === SLICE) yield* classify();
  }
  if (slice.length) yield* classify();
}

const failure = (message: string): RowClass => ({ kind: 'failure', message });

/** The write plan's rule: the first valid row of a key no live entrance holds creates it. */
function classOf(
  record: EntranceRecord,
  existing: ReadonlyMap<string, number>,
  claimed: Set<string>,
): RowClass {
  const key = hash('sha1', record.key, 'base64');
  if (existing.has(record.key) || claimed.has(key)) return { kind: 'duplicate' };
  claimed.add(key);
  return { kind: 'create' };
}

export async function checkRows(
  deps: CheckDependencies,
  requestRows: AsyncIterable<NumberedRow>,
): Promise<CheckResult> {
  const result: CheckResult = { willBeCreated: [], willBeCreatedAsDuplicates: [], wontBeCreated: [] };
  for await (const { row, line, class: rowClass } of classifyRows(deps, requestRows)) {
    if (rowClass.kind === 'failure') {
      result.wontBeCreated.push(JSON.stringify({ line, message: rowClass.message }));
    } else {
      (rowClass.kind === 'create' ? result.willBeCreated : result.willBeCreatedAsDuplicates).push(
        JSON.stringify(row),
      );
    }
  }
  return result;
}

export async function summariseCheck(
  deps: CheckDependencies,
  requestRows: AsyncIterable<NumberedRow>,
): Promise<CheckSummary> {
  const summary: CheckSummary = {
    counts: { willBeCreated: 0, willBeCreatedAsDuplicates: 0, wontBeCreated: 0 },
    wontBeCreated: [],
  };
  for await (const { line, class: rowClass } of classifyRows(deps, requestRows)) {
    if (rowClass.kind === 'create') summary.counts.willBeCreated++;
    else if (rowClass.kind === 'duplicate') summary.counts.willBeCreatedAsDuplicates++;
    else {
      if (summary.counts.wontBeCreated < SUMMARY_FAILURES)
        summary.wontBeCreated.push({ line, message: rowClass.message });
      summary.counts.wontBeCreated++;
    }
  }
  return summary;
}
