import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReportStorage } from './reportStorage';

export const LOCAL_UPLOADS_ROUTE = '/local-uploads';

/** Files still being written end with this; they are never served. */
export const PARTIAL_SUFFIX = '.partial';

/**
 * The local disk, for development: `<root>/<container>/<blob name>`, mirroring the Azure layout,
 * served read-only under `/local-uploads/` with absolute URLs built from the public base URL.
 */
export class LocalReportStorage implements ReportStorage {
  readonly description: string;

  constructor(
    private readonly root: string,
    private readonly container: string,
    private readonly publicUrl: string,
  ) {
    this.description = `local:${path.join(root, container)}`;
  }

  async upload(blobName: string, content: Readable, _contentType: string): Promise<string> {
    const target = path.resolve(this.root, this.container, blobName);
    if (!target.startsWith(path.resolve(this.root) + path.sep))
      throw new Error(`Invalid blob name: ${blobName}`);
    await mkdir(path.dirname(target), { recursive: true });
    // Written aside then renamed, so a reader never sees half a report.
    const partial = `${target}.${randomUUID()}${PARTIAL_SUFFIX}`;
    try {
      await pipeline(content, createWriteStream(partial));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const urlPath = [this.container, ...blobName.split('/')].map(encodeURIComponent).join('/');
    return `${this.publicUrl}${LOCAL_UPLOADS_ROUTE}/${urlPath}`;
  }
}
