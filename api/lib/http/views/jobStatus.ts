/** The job body of `GET /api/v1/jobs/:batchId` and `GET /api/v1/jobs` (SPEC 5), from a t_job_batch row. */
import type { BatchResult, BatchStatus } from '../../core/types';
import type { BatchRow } from '../../db/sql/batches';
import { batchDuplicatesPath } from '../paths';

export interface JobStatus {
  batchId: string;
  type: string;
  status: BatchStatus;
  createdAt: string;
  completedAt: string | null;
  progress: {
    totalChunks: number;
    completedChunks: number;
    totalRows: number;
    processedRows: number;
    successes: number;
    duplicates: number;
    failures: number;
  };
  result: BatchResult | null;
  /** Where the batch's duplicates can be reviewed; present once the batch has recorded any. */
  duplicatesUrl?: string;
}

export function toJobStatus(batch: BatchRow): JobStatus {
  return {
    batchId: batch.id,
    type: batch.type,
    status: batch.status,
    createdAt: new Date(batch.created_at).toISOString(),
    completedAt: batch.completed_at ? new Date(batch.completed_at).toISOString() : null,
    progress: {
      totalChunks: batch.total_chunks,
      completedChunks: batch.completed_chunks,
      totalRows: batch.total_rows,
      processedRows: batch.successes + batch.duplicates + batch.failures,
      successes: batch.successes,
      duplicates: batch.duplicates,
      failures: batch.failures,
    },
    result: batch.result,
    ...(batch.duplicates > 0 ? { duplicatesUrl: batchDuplicatesPath(batch.id) } : {}),
  };
}
