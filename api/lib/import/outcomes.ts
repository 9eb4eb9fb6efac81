/** What became of one row (SPEC 6): exactly one of these, written back to t_job_batch_row. */
export const OUTCOMES = Object.freeze({
  success: 'success',
  duplicate: 'duplicate',
  failure: 'failure',
} as const);

export type OutcomeKind = (typeof OUTCOMES)[keyof typeof OUTCOMES];

export type RowOutcome =
  | { line: number; outcome: 'success'; caveId: number; entranceId: number }
  | { line: number; outcome: 'duplicate'; entranceId: number; message: string }
  | { line: number; outcome: 'failure'; message: string };

export interface OutcomeCounts {
  successes: number;
  duplicates: number;
  failures: number;
}

export function duplicateMessage(id: string): string {
  return `Entrance with id ${id} has been created as an entrance duplicate.`;
}

export function chunkFailedMessage(attempts: number, error: string): string {
  return `Chunk failed after ${attempts} attempts: ${error}`;
}

export function countOutcomes(outcomes: readonly RowOutcome[]): OutcomeCounts {
  const counts = { successes: 0, duplicates: 0, failures: 0 };
  for (const { outcome } of outcomes) {
    if (outcome === 'success') counts.successes++;
    else if (outcome === 'duplicate') counts.duplicates++;
    else counts.failures++;
  }
  return counts;
}
