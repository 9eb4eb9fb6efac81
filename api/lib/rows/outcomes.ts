/** The messages of SPEC 6 that are not about one column, and the counting of outcomes. */
import type { OutcomeCounts, RowOutcome } from '../core/types';

export function duplicateMessage(id: string): string {
  return `Entrance with id ${id} has been created as an entrance duplicate.`;
}

export function chunkFailedMessage(attempts: number, error: string): string {
  return `Chunk failed after ${attempts} attempts: ${error}`;
}

/** A row a cancelled batch never processed (SPEC 13): failures.csv lists it, to be imported again. */
export const CANCELLED_ROW_MESSAGE = 'Import cancelled before this row was processed.';

export function countOutcomes(outcomes: readonly RowOutcome[]): OutcomeCounts {
  const counts = { successes: 0, duplicates: 0, failures: 0 };
  for (const { outcome } of outcomes) {
    if (outcome === 'success') counts.successes++;
    else if (outcome === 'duplicate') counts.duplicates++;
    else counts.failures++;
  }
  return counts;
}
