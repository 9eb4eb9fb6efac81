/** Which figures the benchmark reports for its runs, and the targets checked against them. */
import { TABLES_WRITTEN } from './copyFloor';
import { type Check, type Figure, figuresOf, median } from './report';
import type { CsvRun, Imported, JsonRun } from './runs';

type Spec<R> = [string, string, string, (run: R) => number];

const perThousand = (rows: number) => (run: Imported) => run.totalMs / (rows / 1000);

/** What every import reports, JSON or CSV. */
function importSpecs(rows: number): Spec<Imported>[] {
  return [
    ['postMs', 'POST → 202', 'ms', (r) => r.postMs],
    ['totalMs', 'POST → completed (reports included)', 'ms', (r) => r.totalMs],
    ['rowsPerSecond', 'end to end', 'rows/s', (r) => r.rowsPerSecond],
    ['msPer1000Rows', 'POST → completed per 1,000 rows', 'ms', perThousand(rows)],
    ['stageReceive', 'stage: receive + check (POST → batch transaction)', 'ms', (r) => r.stages.receive],
    ['stageStaging', 'stage: stage + enqueue + commit (→ 202)', 'ms', (r) => r.stages.stage],
    ['stageQueueWait', 'stage: queue wait (202 → first chunk)', 'ms', (r) => r.stages.queueWait],
    ['stageChunks', 'stage: chunks (first start → last end)', 'ms', (r) => r.stages.chunks],
    ['stageCompletion', 'stage: completion (last chunk → aggregation)', 'ms', (r) => r.stages.completion],
    ['stageReports', 'stage: reports (aggregation → completed)', 'ms', (r) => r.stages.reports],
    ['stageNotice', 'stage: seen by a poller', 'ms', (r) => r.stages.notice],
    ['chunks', 'chunk jobs', '', (r) => r.stages.chunkCount],
    ['chunkRetries', 'chunk retries', '', (r) => r.stages.chunkRetries],
    ['chunkMedianMs', 'chunk handler, median chunk', 'ms', (r) => r.stages.chunkMedianMs],
    ['chunkRowsPerSecond', 'chunk handler, per worker', 'rows/s', (r) => r.stages.chunkRowsPerSecond],
    ['workerBusy', 'workers busy during the chunk stage', '%', (r) => r.stages.workerBusy * 100],
    ['pollP50', 'job poll p50', 'ms', (r) => r.pollP50],
    ['pollP99', 'job poll p99', 'ms', (r) => r.pollP99],
    ['polls', 'job polls', '', (r) => r.polls],
    ['pollErrors', 'job poll errors', '', (r) => r.pollErrors],
    ['restRssMb', 'server RSS before the import POST', 'MB', (r) => r.restRssMb],
    ['peakRssMb', 'server peak RSS, POST → completed', 'MB', (r) => r.peakRssMb],
    ['rssGrowthMb', 'server RSS growth (peak − before the POST)', 'MB', (r) => r.peakRssMb - r.restRssMb],
    ['serverCpuS', 'server CPU, POST → completed', 's', (r) => r.serverCpuS],
    ['postgresCpuS', 'PostgreSQL CPU, POST → completed', 's', (r) => r.postgresCpuS],
  ];
}

export function jsonFigures(runs: readonly JsonRun[], rows: number): Figure[] {
  const own: Spec<JsonRun>[] = [
    ['checkRowsMs', 'check-rows, same rows (to the last byte)', 'ms', (r) => r.checkMs],
    ['idleRssMb', 'server RSS before check-rows', 'MB', (r) => r.idleRssMb],
    ['checkRowsPeakRssMb', 'server peak RSS, check-rows', 'MB', (r) => r.checkPeakRssMb],
    ['copyFloorMs', 'COPY floor (same rows, same tables, rolled back)', 'ms', (r) => r.floor.ms],
    ['copyFloorRowsPerSecond', 'COPY floor', 'rows/s', (r) => rows / (r.floor.ms / 1000)],
    ['copyFloorBuildMs', 'COPY floor rows built in Node (not in the floor)', 'ms', (r) => r.floor.buildMs],
    ...TABLES_WRITTEN.map(
      (table): Spec<JsonRun> => [
        `copyFloor_${table}`,
        `COPY floor: ${table}`,
        'ms',
        (r) => r.floor.tableMs[table] ?? 0,
      ],
    ),
    ['copyFloorDeferredMs', 'COPY floor: deferred key checks', 'ms', (r) => r.floor.deferredChecksMs],
    ['ratioToCopy', 'POST → completed / COPY floor', '×', (r) => r.ratio],
  ];
  return [...figuresOf(runs, own), ...figuresOf(runs, importSpecs(rows))];
}

export function csvFigures(runs: readonly CsvRun[], rows: number): Figure[] {
  const ok = runs.filter((run): run is Extract<CsvRun, { available: true }> => run.available);
  return [
    ...figuresOf(ok, [
      ['fileMb', 'CSV file', 'MB', (r) => r.fileMb],
      ['generateMs', 'CSV file written by the benchmark (not timed)', 'ms', (r) => r.generateMs],
    ]),
    ...figuresOf(ok, importSpecs(rows)),
  ];
}

const figureValue = (figures: readonly Figure[], key: string, pick: 'median' | 'max' = 'median') => {
  const values = figures.find((figure) => figure.key === key)?.values ?? [];
  if (!values.length) return null;
  return pick === 'max' ? Math.max(...values) : median(values);
};

export interface CheckInput {
  rows: number;
  json: readonly Figure[];
  csvRows: number;
  /** Null when the CSV import was skipped or is not available. */
  csv: readonly Figure[] | null;
  csvNote: string;
}

/** The targets of issue 11. Times are medians over the runs; memory is the largest peak of any run. */
export function targetChecks({ rows, json, csvRows, csv, csvNote }: CheckInput): Check[] {
  const at = rows === 100_000 ? undefined : `measured at ${rows.toLocaleString('en')} rows`;
  const csvValue = (key: string, pick: 'median' | 'max') => (csv ? figureValue(csv, key, pick) : null);
  const csvAt = csv ? `${csvRows.toLocaleString('en')} rows, max over runs` : csvNote;
  const oneMillion = csvRows >= 1_000_000;
  const millionTime = csvValue('totalMs', 'median');
  return [
    {
      name: '100k JSON rows POST → completed ≤ 1.5 × COPY floor',
      value: figureValue(json, 'ratioToCopy'),
      limit: 1.5,
      unit: '×',
      note: at,
    },
    {
      name: 'POST → 202 for 100k rows',
      value: figureValue(json, 'postMs'),
      limit: 2000,
      unit: 'ms',
      note: at,
    },
    {
      name: 'server peak RSS for the 100k-row import',
      value: figureValue(json, 'peakRssMb', 'max'),
      limit: 500,
      unit: 'MB',
      note: at ?? 'max over runs',
    },
    { name: 'job poll p99 (20 pollers × 10/s)', value: figureValue(json, 'pollP99'), limit: 150, unit: 'ms' },
    {
      name: 'check-rows of 100k rows',
      value: figureValue(json, 'checkRowsMs'),
      limit: 3000,
      unit: 'ms',
      note: at,
    },
    {
      name: 'streamed CSV, 300k rows: server peak RSS',
      value: oneMillion ? null : csvValue('peakRssMb', 'max'),
      limit: 350,
      unit: 'MB',
      note: oneMillion ? 'run with --csv-rows 300000' : csvAt,
    },
    {
      name: 'streamed CSV, 1M rows: server peak RSS',
      value: oneMillion ? csvValue('peakRssMb', 'max') : null,
      limit: 400,
      unit: 'MB',
      note: !oneMillion
        ? 'run with --csv-rows 1000000'
        : millionTime === null
          ? csvNote
          : `${csvRows.toLocaleString('en')} rows in ${(millionTime / 1000).toFixed(1)} s`,
    },
  ];
}
