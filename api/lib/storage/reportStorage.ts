import type { Readable } from 'node:stream';

/**
 * Where report files go. Two back ends share this interface: Azure Blob Storage when configured,
 * the local disk otherwise. Blob names look like `csv-import-reports/<batchId>/<kind>.csv`.
 */
export interface ReportStorage {
  /** A short description for logs and health, e.g. "azure:documents". */
  readonly description: string;
  /** Stores the content under `blobName` (replacing any earlier one) and returns a URL to read it. */
  upload(blobName: string, content: Readable, contentType: string): Promise<string>;
}
