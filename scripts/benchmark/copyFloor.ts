/**
 * The physical floor of an import: the table rows an import writes for the same input, loaded with
 * COPY into the same tables (same indexes, foreign keys and checks), on one connection, in one
 * transaction that is rolled back. The rows are derived with the import's own functions
 * (convertRow, the write plan, the author and id allocation statements), so the floor writes exactly
 * what the import would. Building the rows in Node is timed apart and not counted in the floor.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { insertBatch } from '../../api/lib/db/sql/batches';
import { allocateEntranceAndCaveIds } from '../../api/lib/db/sql/entrances';
import { resolveAuthors } from '../../api/lib/pipeline/entranceWrites';
import {
  authorIdOf,
  authorsOf,
  caveRows,
  classifyRecords,
  descriptionRows,
  entranceRows,
  firstRecordsOfFreeKeys,
  locationRows,
  type NewEntrance,
  nameRows,
} from '../../api/lib/pipeline/writePlan';
import { loadReferenceData } from '../../api/lib/rows/referenceData';
import { convertRow, type EntranceRecord } from '../../api/lib/rows/rowConversion';
import { type BenchRow, HEADER } from './rows';

export interface Floor {
  /** BEGIN → just before ROLLBACK, minus the Node-side row building. */
  ms: number;
  /** Converting the rows and building the COPY text, in Node. */
  buildMs: number;
  /** Rows loaded, by table. */
  rows: Record<string, number>;
  /** Time of each table's COPY, by table (its foreign-key checks included, the deferred one aside). */
  tableMs: Record<string, number>;
  /** SET CONSTRAINTS ALL IMMEDIATE: the deferred entrance → cave checks. */
  deferredChecksMs: number;
}

interface TableLoad {
  table: string;
  columns: string[];
  /** COPY text format, a block of lines per element. */
  blocks: string[];
  count: number;
}

export const TABLES_WRITTEN = [
  't_cave',
  't_entrance',
  't_name',
  't_description',
  't_location',
  't_entrance_duplicate',
];

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]);
}

/** The COPY load of a table from row objects: every column any row names, absent ones as NULL. */
function tableLoad(table: string, objects: readonly object[], extra: Record<string, unknown>): TableLoad {
  const rows = objects.map((object) => ({ ...object, ...extra }) as Record<string, unknown>);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const blocks: string[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const lines = rows
      .slice(i, i + 1000)
      .map((row) => `${columns.map((c) => copyValue(row[c])).join('\t')}\n`);
    blocks.push(lines.join(''));
  }
  return { table, columns, blocks, count: rows.length };
}

function convertAll(rows: readonly BenchRow[], reference: Awaited<ReturnType<typeof loadReferenceData>>) {
  return rows.map((row, i): EntranceRecord => {
    const conversion = convertRow(row, i + 2, reference);
    if (!conversion.ok) throw new Error(`Line ${i + 2} does not convert: ${conversion.message}`);
    return conversion.record;
  });
}

/** What the import writes for these records, given the ids it reserved and the authors it resolved. */
function plannedLoads(
  records: readonly EntranceRecord[],
  planned: readonly NewEntrance[],
  authorIds: ReadonlyMap<string, number>,
  context: { batchId: string; initiatorId: number; now: string },
): TableLoad[] {
  const batch = { id_job_batch: context.batchId };
  // The import writes COALESCE(date, now()) for these two; COPY takes no expression.
  const dated = <T extends { date_inscription: string | null }>(row: T) => ({
    ...row,
    date_inscription: row.date_inscription ?? context.now,
  });
  const facts = { caveOfEntrance: new Map<number, number | null>(), authorIds, importedAt: new Date() };
  const { duplicates } = classifyRecords(records, planned, new Map(), facts);
  return [
    tableLoad('t_cave', caveRows(planned).map(dated), batch),
    tableLoad('t_entrance', entranceRows(planned).map(dated), batch),
    tableLoad('t_name', nameRows(planned), batch),
    tableLoad('t_description', descriptionRows(planned, authorIds), batch),
    tableLoad('t_location', locationRows(planned, authorIds), batch),
    tableLoad('t_entrance_duplicate', duplicates, { ...batch, id_author: context.initiatorId }),
  ];
}

async function copyInto(client: pg.Client, load: TableLoad): Promise<void> {
  if (!load.count) return;
  const columns = load.columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  const stream = client.query(copyFrom(`COPY ${load.table} (${columns}) FROM STDIN`));
  await pipeline(Readable.from(load.blocks), stream);
}

/** Loads the rows with COPY in one transaction, rolls it back, and vacuums what the rollback left. */
export async function copyFloor(
  pool: pg.Pool,
  databaseUrl: string,
  rows: readonly BenchRow[],
  initiatorId: number,
): Promise<Floor> {
  // Through the pool: it reads its three tables at once, which one client must not be asked to do.
  const reference = await loadReferenceData(pool);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'benchmark-copy-floor' });
  await client.connect();
  try {
    let building = performance.now();
    const records = convertAll(rows, reference);
    const candidates = firstRecordsOfFreeKeys(records, new Map());
    let buildMs = performance.now() - building;

    const started = performance.now();
    await client.query('BEGIN');
    const batchId = randomUUID();
    await insertBatch(client, {
      id: batchId,
      initiatorId,
      totalRows: rows.length,
      chunkSize: rows.length,
      totalChunks: 1,
      chunkFirstLines: [2],
      columns: HEADER,
    });
    // Every record's authors, as the import resolves them: a duplicate's content names its author by id.
    const authorIds = await resolveAuthors(client, records.flatMap(authorsOf));
    const ids = await allocateEntranceAndCaveIds(client, candidates.length);

    building = performance.now();
    const planned = candidates.map((record, i) => ({
      record,
      entranceId: ids[i].entrance,
      caveId: ids[i].cave,
      authorId: authorIdOf(authorIds, record.author),
    }));
    const now = new Date().toISOString();
    const loads = plannedLoads(records, planned, authorIds, { batchId, initiatorId, now });
    const buildInside = performance.now() - building;
    buildMs += buildInside;

    const tableMs: Record<string, number> = {};
    for (const load of loads) {
      const copying = performance.now();
      await copyInto(client, load);
      tableMs[load.table] = performance.now() - copying;
    }
    // The entrance → cave key is deferred to COMMIT, which never comes: check it now, as COMMIT would.
    const checking = performance.now();
    await client.query('SET CONSTRAINTS ALL IMMEDIATE');
    const deferredChecksMs = performance.now() - checking;
    const ms = performance.now() - started - buildInside;
    await client.query('ROLLBACK');
    await client.query(`VACUUM (ANALYZE) ${[...TABLES_WRITTEN, 't_job_batch', 't_caver'].join(', ')}`);
    const counts = Object.fromEntries(loads.map((load) => [load.table, load.count]));
    return { ms, buildMs, rows: counts, tableMs, deferredChecksMs };
  } finally {
    await client.end();
  }
}
