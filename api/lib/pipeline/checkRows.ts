/**
 * The dry run of an import (SPEC 12.1): classifies every row exactly as import-rows would if the same
 * payload were submitted now, and writes nothing. It runs the import's own code, not a copy of it:
 * the request checks of submitBatch, the storage repair and row conversion the chunk applies, and the
 * write plan's rule for which row of a key creates the entrance. Affinity chunking keeps every row
 * of a key in one chunk, in line order, so that rule applied to the whole payload at once gives
 * each row the class its chunk would give it.
 */
import { mapInTurns } from '../core/eventLoop';
import type { Queryable } from '../db/pool';
import { findEntrancesByImportKey, type ImportKey } from '../db/sql/entrances';
import { type Row, storableRow } from '../rows/columns';
import type { ReferenceData } from '../rows/referenceData';
import { convertRow, type EntranceRecord } from '../rows/rowConversion';
import { checkImportRows, type ImportLimits } from './submitBatch';
import { entranceIdsByKey, firstRecordsOfFreeKeys } from './writePlan';

export interface CheckDependencies {
  db: Queryable;
  referenceData: () => Promise<ReferenceData>;
  limits: ImportLimits;
}

/** Grottocenter's answer: the input rows, unchanged and in input order, in three lists. */
export interface CheckResult {
  willBeCreated: Row[];
  willBeCreatedAsDuplicates: Row[];
  wontBeCreated: { line: number; message: string }[];
}

// Keys per lookup: one statement per few thousand rows, each well under PostgreSQL's limits.
const LOOKUP_SLICE = 5000;
// Rows converted between two turns of the event loop, so a large payload never holds it for long.
const ROWS_PER_TURN = 1000;

/** The live entrances holding any of these records' keys, by key, a slice of keys per statement. */
async function existingEntrances(
  db: Queryable,
  records: readonly EntranceRecord[],
): Promise<Map<string, number>> {
  const keys = new Map<string, ImportKey>();
  for (const record of records) {
    keys.set(record.key, { id_db_import: record.idDbImport, name_db_import: record.nameDbImport });
  }
  const distinct = [...keys.values()];
  const found = new Map<string, number>();
  for (let start = 0; start < distinct.length; start += LOOKUP_SLICE) {
    const rows = await findEntrancesByImportKey(db, distinct.slice(start, start + LOOKUP_SLICE));
    for (const [key, id] of entranceIdsByKey(rows)) found.set(key, id);
  }
  return found;
}

export async function checkRows(deps: CheckDependencies, rows: readonly Row[]): Promise<CheckResult> {
  checkImportRows(rows, deps.limits);
  const reference = await deps.referenceData();

  // The row at index i is CSV line i + 2, as in the import; the same repair staging applies.
  const conversions = await mapInTurns(rows, ROWS_PER_TURN, (row, index) =>
    convertRow(storableRow(row), index + 2, reference),
  );
  const wontBeCreated: CheckResult['wontBeCreated'] = [];
  const records: EntranceRecord[] = [];
  conversions.forEach((conversion, index) => {
    if (conversion.ok) records.push(conversion.record);
    else wontBeCreated.push({ line: index + 2, message: conversion.message });
  });

  const creators = new Set(firstRecordsOfFreeKeys(records, await existingEntrances(deps.db, records)));
  const willBeCreated: Row[] = [];
  const willBeCreatedAsDuplicates: Row[] = [];
  for (const record of records) {
    const row = rows[record.line - 2];
    (creators.has(record) ? willBeCreated : willBeCreatedAsDuplicates).push(row);
  }
  return { willBeCreated, willBeCreatedAsDuplicates, wontBeCreated };
}
