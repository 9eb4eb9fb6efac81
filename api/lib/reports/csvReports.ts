/**
 * The three reports of a batch (SPEC 8), streamed from the outcomes (and, for failures, the staged
 * rows) through csv-stringify into storage a window at a time, so a report of a million rows never
 * sits in memory.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { CELLS_PER_TURN, nextTurn } from '../core/eventLoop';
import {
  type OutcomeCounts,
  type OutcomeKind,
  REPORT_KINDS,
  type ReportKind,
  type ReportUrls,
} from '../core/types';
import type { Queryable } from '../db/pool';
import {
  type FinishedRow,
  lastOutcomeLine,
  nextOutcomeLine,
  readOutcomeWindow,
} from '../db/sql/batchOutcomes';
import { COLUMNS, cellValue } from '../rows/columns';
import type { ReportStorage } from '../storage';

/** Lines read per statement: a window of the file, so a report of any size reads its rows once. */
const WINDOW_LINES = 5000;

interface ReportDefinition {
  outcome: OutcomeKind;
  header(columns: readonly string[]): string[];
  cells(row: FinishedRow, columns: readonly string[]): unknown[];
}

/** The cells of a row that the success and duplicates reports show, by outcome. */
const REPORT_CELLS: Readonly<Record<'success' | 'duplicate', readonly string[]>> = Object.freeze({
  success: [COLUMNS.latitude, COLUMNS.longitude, COLUMNS.label],
  duplicate: [COLUMNS.id, COLUMNS.attributionName],
});

/**
 * The cells its report will show of a row, as JSON text, kept with its outcome when its chunk
 * records it (so the report reads no staged row); null for a failure, whose report shows it whole.
 */
export function reportCellsOf(outcome: OutcomeKind, data: Readonly<Record<string, unknown>>): string | null {
  if (outcome === 'failure') return null;
  return JSON.stringify(REPORT_CELLS[outcome].map((column) => cellValue(data, column) ?? null));
}

/** The report cells of a finished row: kept with its outcome, or read from its staged data. */
function keptCells(outcome: 'success' | 'duplicate', row: FinishedRow): unknown[] {
  if (row.report_cells) return row.report_cells;
  const data = row.data ?? {};
  return REPORT_CELLS[outcome].map((column) => cellValue(data, column));
}

/** The report's own columns in failures.csv, before the row's. */
const FAILURE_COLUMNS = ['line', 'message'];

export const REPORTS: Readonly<Record<ReportKind, ReportDefinition>> = Object.freeze({
  success: {
    outcome: 'success',
    header: () => ['line', 'caveId', 'entranceId', 'latitude', 'longitude', 'name'],
    cells: (row) => [row.line, row.id_cave, row.id_entrance, ...keptCells('success', row)],
  },
  duplicates: {
    outcome: 'duplicate',
    // duplicateId last, so the earlier columns keep their places: the entrance duplicate to review
    // (GET /api/v1/entrance-duplicates/<duplicateId>); empty once a moderator has resolved it.
    header: () => ['line', 'id', 'attributionName', 'entranceId', 'message', 'duplicateId'],
    cells: (row) => {
      const [id, attributionName] = keptCells('duplicate', row);
      return [row.line, id, attributionName, row.id_entrance, row.message, row.id_entrance_duplicate];
    },
  },
  failures: {
    outcome: 'failure',
    // The original columns follow, so the file can be fixed and imported again.
    header: (columns) => [...FAILURE_COLUMNS, ...columns],
    // Own properties only: a column named `constructor` must not read Object's.
    cells: (row, columns) => [
      row.line,
      row.message,
      ...columns.map((column) =>
        row.data && Object.hasOwn(row.data, column) ? row.data[column] : undefined,
      ),
    ],
  },
});

const REPORT_COUNT: Readonly<Record<ReportKind, keyof OutcomeCounts>> = {
  success: 'successes',
  duplicates: 'duplicates',
  failures: 'failures',
};

// A plain number, possibly signed or in exponent notation. Each part can match a digit in one way
// only, so the test is linear on any cell: the report step must never stall on a hostile one.
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A spreadsheet runs a cell starting with =, +, -, @, tab or CR as a formula; such cells get a
 * leading apostrophe, unless they are plain numbers such as -12.5. A cell that is not a flat value
 * (its row failed for it) is written empty.
 */
export function neutraliseFormula(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'object') return '';
  const text = typeof value === 'string' ? value : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text)) return `'${text}`;
  return text;
}

/** A piece of report text is handed to storage at this size at the latest (long cells). */
const PIECE_CHARS = 1024 * 1024;

/**
 * A report's rows in line order, by windows of lines, the next window read while this one is
 * written. An empty window jumps to the next line of that outcome: line numbers can be sparse (a
 * file's blank lines, its cells' line breaks, or a report of few rows), and windows of nothing would
 * otherwise be read across the whole file.
 */
async function* windowsOf(
  db: Queryable,
  batch: { id: string; columns: readonly string[] },
  outcome: OutcomeKind,
): AsyncGenerator<FinishedRow[]> {
  const batchId = batch.id;
  const last = await lastOutcomeLine(db, batchId);
  const readFrom = (after: number) => {
    const window = readOutcomeWindow(db, batch, outcome, after, WINDOW_LINES);
    // Not unhandled if the reader stops before it asks for this window: its error then has no one to tell.
    window.catch(() => {});
    return window;
  };
  let after = 0;
  let ahead = after < last ? readFrom(after) : null;
  while (ahead) {
    const rows = await ahead;
    after += WINDOW_LINES;
    if (rows.length === 0 && after < last) {
      const next = await nextOutcomeLine(db, batchId, outcome, after);
      if (next === null) return;
      after = next - 1;
    }
    ahead = after < last ? readFrom(after) : null;
    if (rows.length) yield rows;
  }
}

/**
 * The report as a CSV byte stream: header row, then one row per staged row of that outcome, in pieces
 * of a turn's worth of cells, the event loop handed back between them.
 */
export function reportStream(
  db: Queryable,
  batchId: string,
  kind: ReportKind,
  columns: readonly string[],
): Readable {
  const report = REPORTS[kind];
  // A failures.csv fixed and imported again brings its line and message columns back, first in its
  // header: they are the report's, not the row's, and the next failures.csv writes them once, with
  // their new values. A file of the source's own that merely has such columns keeps them.
  const fromFailures = FAILURE_COLUMNS.every((column, i) => columns[i] === column);
  const rowColumns = fromFailures ? columns.slice(FAILURE_COLUMNS.length) : columns;
  // Records are written a piece at a time, each by one call of csv-stringify: its stream of one
  // object per record took most of the report step's time. A byte-order mark first: without it,
  // spreadsheets read the UTF-8 file as Latin-1 (é as Ã©).
  async function* pieces() {
    let records: string[][] = [report.header(rowColumns).map(neutraliseFormula)];
    let cells = 0;
    let chars = 0;
    let first = true;
    const piece = () => {
      const text = stringify(records, { bom: first });
      first = false;
      records = [];
      cells = 0;
      chars = 0;
      return text;
    };
    for await (const window of windowsOf(db, { id: batchId, columns }, report.outcome)) {
      for (const row of window) {
        const record = report.cells(row, rowColumns).map(neutraliseFormula);
        records.push(record);
        cells += record.length;
        for (const cell of record) chars += cell.length;
        if (cells < CELLS_PER_TURN && chars < PIECE_CHARS) continue;
        yield piece();
        // Storage may take the piece without waiting (Azure buffers several megabytes): the loop
        // gets its turn here in any case.
        await nextTurn();
      }
    }
    if (records.length) yield piece();
  }
  // Bytes, not objects: a failing window query destroys the stream the uploader reads.
  return Readable.from(pieces(), { objectMode: false });
}

export function reportBlobName(batchId: string, kind: ReportKind): string {
  return `csv-import-reports/${batchId}/${kind}.csv`;
}

/**
 * Writes the non-empty reports and returns their blob names (null: empty, not written). The names
 * are what the batch's result keeps; links to them are signed on each read (see signedReportUrls).
 */
export async function writeReports(
  db: Queryable,
  storage: ReportStorage,
  batch: { id: string; columns: readonly string[] },
  summary: OutcomeCounts,
): Promise<ReportUrls> {
  const blobs: ReportUrls = { success: null, duplicates: null, failures: null };
  // The three at once: each reads its own rows, and storage latency overlaps.
  await Promise.all(
    REPORT_KINDS.filter((kind) => summary[REPORT_COUNT[kind]] > 0).map(async (kind) => {
      const blobName = reportBlobName(batch.id, kind);
      await storage.upload(
        blobName,
        reportStream(db, batch.id, kind, batch.columns),
        'text/csv; charset=utf-8',
      );
      blobs[kind] = blobName;
    }),
  );
  return blobs;
}

/**
 * The links to a batch's reports, signed now: one for each report its result says was written. The
 * blob name is derived from the batch, so results stored before links were signed on read (which
 * hold a link of their own, by now perhaps expired) get fresh links too.
 */
export async function signedReportUrls(
  storage: ReportStorage,
  batchId: string,
  stored: ReportUrls | null | undefined,
): Promise<ReportUrls> {
  const links: ReportUrls = { success: null, duplicates: null, failures: null };
  for (const kind of REPORT_KINDS) {
    if (stored?.[kind]) links[kind] = await storage.linkTo(reportBlobName(batchId, kind));
  }
  return links;
}
