import type { Readable } from 'node:stream';

/**
 * Where report files go. Two back ends share this interface: Azure Blob Storage when configured,
 * the local disk otherwise. Blob names look like `csv-import-reports/<batchId>/<kind>.csv`.
 */
export interface ReportStorage {
  /** A short description for logs and health, e.g. "azure:documents". */
  readonly description: string;
  /** Stores the content under `blobName`, replacing any earlier one. */
  upload(blobName: string, content: Readable, contentType: string): Promise<void>;
  /**
   * A read-only link to a stored blob, valid for the link lifetime from now: links are signed when a
   * job is read or an email written, never stored, so the one a user follows is never stale.
   */
  linkTo(blobName: string): Promise<string>;
  /**
   * Storage this service serves itself (the local disk) checks each request's link: `filePath` is
   * `/<container>/<blob name>`, decoded, `query` the link's query string. Absent for Azure.
   */
  checkLink?(filePath: string, query: URLSearchParams): LinkCheck;
}

/** What a link's signature says about it. */
export type LinkCheck = 'valid' | 'expired' | 'invalid';
