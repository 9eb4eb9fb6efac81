/** The job body of `GET /api/v1/jobs/:batchId` and `GET /api/v1/jobs` (SPEC 5), from a t_job_batch row. */
import type { BatchResult, BatchStatus } from '../../core/types';
import type { JobRow } from '../../db/sql/batches';
import { signedReportUrls } from '../../reports/csvReports';
import type { ReportStorage } from '../../storage';
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
  /** The result; its report links are signed by this read, valid for the link lifetime from now. */
  result: BatchResult | null;
  /** Where the batch's duplicates can be reviewed; present once the batch has recorded any. */
  duplicatesUrl?: string;
  /** When and by whom (a caver id) cancellation was asked for; the batch then ends `cancelled`. */
  cancelledAt: string | null;
  cancelledBy: number | null;
  /** When and by whom (a caver id) what the batch created was soft-deleted. */
  revertedAt: string | null;
  revertedBy: number | null;
}

const isoOrNull = (date: Date | string | null) => (date ? new Date(date).toISOString() : null);

export async function toJobStatus(batch: JobRow, storage: ReportStorage): Promise<JobStatus> {
  const result = batch.result && {
    ...batch.result,
    reportUrls: await signedReportUrls(storage, batch.id, batch.result.reportUrls),
  };
  return {
    batchId: batch.id,
    type: batch.type,
    status: batch.status,
    createdAt: new Date(batch.created_at).toISOString(),
    completedAt: isoOrNull(batch.completed_at),
    progress: {
      totalChunks: batch.total_chunks,
      completedChunks: batch.completed_chunks,
      totalRows: batch.total_rows,
      processedRows: batch.successes + batch.duplicates + batch.failures,
      successes: batch.successes,
      duplicates: batch.duplicates,
      failures: batch.failures,
    },
    result,
    ...(batch.duplicates > 0 ? { duplicatesUrl: batchDuplicatesPath(batch.id) } : {}),
    cancelledAt: isoOrNull(batch.cancelled_at),
    cancelledBy: batch.id_canceller ?? null,
    revertedAt: isoOrNull(batch.reverted_at),
    revertedBy: batch.id_reverter ?? null,
  };
}
