import type { Readable } from 'node:stream';
import {
  BlobSASPermissions,
  BlobServiceClient,
  type ContainerClient,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { Settings } from '../core/settings';
import type { ReportStorage } from './reportStorage';

const UPLOAD_BUFFER_BYTES = 4 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 4;

/**
 * Azure Blob Storage: a private container (created when missing), and for each file a read-only SAS
 * URL that expires `linkLifetimeDays` after it was signed.
 */
export class AzureReportStorage implements ReportStorage {
  readonly description: string;
  private containerReady: Promise<unknown> | undefined;

  constructor(
    private readonly container: ContainerClient,
    private readonly linkLifetimeDays: number,
  ) {
    this.description = `azure:${container.containerName}`;
  }

  static fromSettings(settings: Settings['storage']): AzureReportStorage {
    // Report links are SAS URLs signed with the account key: a SAS-only connection string cannot make them.
    if (settings.azureConnectionString && !/(^|;)\s*AccountKey=/i.test(settings.azureConnectionString)) {
      throw new Error(
        'AZURE_STORAGE_CONNECTION_STRING must contain AccountKey=…: the report links are SAS URLs signed with the account key.',
      );
    }
    // Few, quick SDK retries: the aggregation job retries with its own back-off, and an outage must
    // surface in seconds, not after minutes of silent retrying inside one attempt.
    const options = {
      retryOptions: { maxTries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 2000, tryTimeoutInMs: 300_000 },
    };
    const service = settings.azureConnectionString
      ? BlobServiceClient.fromConnectionString(settings.azureConnectionString, options)
      : new BlobServiceClient(
          settings.azureBlobEndpoint ?? `https://${settings.azureAccountName}.blob.core.windows.net`,
          new StorageSharedKeyCredential(settings.azureAccountName!, settings.azureKey!),
          options,
        );
    return new AzureReportStorage(service.getContainerClient(settings.container), settings.linkLifetimeDays);
  }

  async upload(blobName: string, content: Readable, contentType: string): Promise<void> {
    // No `access` option: the container stays private, reports are read through SAS URLs only.
    this.containerReady ??= this.container.createIfNotExists().catch((error) => {
      this.containerReady = undefined;
      throw error;
    });
    await this.containerReady;
    await this.container
      .getBlockBlobClient(blobName)
      .uploadStream(content, UPLOAD_BUFFER_BYTES, UPLOAD_CONCURRENCY, {
        blobHTTPHeaders: { blobContentType: contentType },
      });
  }

  /** A read-only SAS URL, signed locally with the account key: no request to Azure. */
  linkTo(blobName: string): Promise<string> {
    return this.container.getBlockBlobClient(blobName).generateSasUrl({
      permissions: BlobSASPermissions.parse('r'),
      startsOn: new Date(Date.now() - 5 * 60_000), // tolerate clock skew between us and Azure
      expiresOn: new Date(Date.now() + this.linkLifetimeDays * 24 * 3600_000),
    });
  }
}
