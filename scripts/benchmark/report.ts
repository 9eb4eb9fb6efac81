/**
 * Turning runs into figures: min / median / max of each over the runs, a table for people, the
 * issue's targets as PASS / FAIL lines, and one `BENCHMARK_JSON {...}` line for machines.
 */

export interface Figure {
  key: string;
  label: string;
  unit: string;
  values: number[];
}

export interface Summary {
  min: number;
  median: number;
  max: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The value below which `p` (0–1) of the samples fall (nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

export function summarise(values: readonly number[]): Summary {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** Figures from runs: one per key, its values in run order. */
export function figuresOf<R>(
  runs: readonly R[],
  specs: readonly [string, string, string, (run: R) => number][],
) {
  return specs.map(([key, label, unit, read]): Figure => ({ key, label, unit, values: runs.map(read) }));
}

const DIGITS: Record<string, number> = { ms: 0, s: 2, 'rows/s': 0, MB: 0, '×': 2, '%': 0, '': 0 };

function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  const digits = DIGITS[unit] ?? 1;
  // No "-0" for a value that rounds to nothing.
  const shown = Math.abs(value) < 0.5 * 10 ** -digits ? 0 : value;
  return shown.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function printTable(title: string, figures: readonly Figure[]): void {
  const width = Math.max(...figures.map((f) => f.label.length), 10);
  const header = `  ${'figure'.padEnd(width)}  ${'unit'.padEnd(6)} ${'min'.padStart(10)} ${'median'.padStart(10)} ${'max'.padStart(10)}`;
  console.log(`\n${title}`);
  console.log(header);
  console.log(`  ${'-'.repeat(header.length - 2)}`);
  for (const figure of figures) {
    const { min, median: mid, max } = summarise(figure.values);
    console.log(
      `  ${figure.label.padEnd(width)}  ${figure.unit.padEnd(6)} ${format(min, figure.unit).padStart(10)} ` +
        `${format(mid, figure.unit).padStart(10)} ${format(max, figure.unit).padStart(10)}`,
    );
  }
}

/** The figures as `{ key: { min, median, max } }`, rounded for the JSON line. */
export function figuresJson(figures: readonly Figure[]): Record<string, Summary> {
  const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);
  return Object.fromEntries(
    figures.map((f) => {
      const { min, median: mid, max } = summarise(f.values);
      return [f.key, { min: round(min), median: round(mid), max: round(max) } as Summary];
    }),
  );
}

export interface Check {
  name: string;
  /** Null when this run did not measure it (the reason is in `note`). */
  value: number | null;
  limit: number;
  unit: string;
  note?: string;
}

export function checkResult(check: Check): 'PASS' | 'FAIL' | 'NOT MEASURED' {
  if (check.value === null || !Number.isFinite(check.value)) return 'NOT MEASURED';
  return check.value <= check.limit ? 'PASS' : 'FAIL';
}

export function printChecks(checks: readonly Check[]): void {
  console.log('\nTargets (issue 11)');
  for (const check of checks) {
    const result = checkResult(check);
    const value = check.value === null ? '–' : format(check.value, check.unit);
    const note = check.note ? ` (${check.note})` : '';
    console.log(
      `  ${result.padEnd(12)} ${check.name}: ${value} ${check.unit} ≤ ${format(check.limit, check.unit)} ${check.unit}${note}`,
    );
  }
}
