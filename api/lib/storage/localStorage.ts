import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LinkCheck, ReportStorage } from './reportStorage';

export const LOCAL_UPLOADS_ROUTE = '/local-uploads';

/** Files still being written end with this; they are never served. */
export const PARTIAL_SUFFIX = '.partial';

/**
 * The local disk: `<root>/<container>/<blob name>`, mirroring the Azure layout, served read-only
 * under `/local-uploads/`. Its links are signed like Azure's SAS URLs, so a report is never public:
 * `?expires=<unix seconds>&signature=<HMAC-SHA256 of the path and the expiry>`, with a key derived
 * from the token salt. Without a valid, unexpired signature a file is refused.
 */
export class LocalReportStorage implements ReportStorage {
  readonly description: string;
  private readonly key: Buffer;

  constructor(
    private readonly root: string,
    private readonly container: string,
    private readonly publicUrl: string,
    secret: string,
    private readonly linkLifetimeDays: number,
  ) {
    this.description = `local:${path.join(root, container)}`;
    this.key = createHmac('sha256', secret).update('cave-import local report links').digest();
  }

  async upload(blobName: string, content: Readable, _contentType: string): Promise<void> {
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
  }

  async linkTo(blobName: string): Promise<string> {
    const filePath = `/${[this.container, ...blobName.split('/')].join('/')}`;
    const expires = Math.floor(Date.now() / 1000) + this.linkLifetimeDays * 24 * 3600;
    const urlPath = filePath.split('/').map(encodeURIComponent).join('/');
    return `${this.publicUrl}${LOCAL_UPLOADS_ROUTE}${urlPath}?expires=${expires}&signature=${this.sign(filePath, expires)}`;
  }

  /**
   * Checks a request for a local file: `filePath` is the decoded path below /local-uploads
   * (`/<container>/<blob name>`), `query` the request's query string.
   */
  checkLink(filePath: string, query: URLSearchParams): LinkCheck {
    const expiresText = query.get('expires') ?? '';
    const signature = query.get('signature') ?? '';
    if (!/^\d{1,12}$/.test(expiresText) || !/^[\w-]{43}$/.test(signature)) return 'invalid';
    const expires = Number(expiresText);
    const expected = Buffer.from(this.sign(filePath, expires));
    if (!timingSafeEqual(expected, Buffer.from(signature))) return 'invalid';
    return expires * 1000 < Date.now() ? 'expired' : 'valid';
  }

  private sign(filePath: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${filePath}\n${expires}`).digest('base64url');
  }
}
