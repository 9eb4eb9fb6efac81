import type { Settings } from '../core/settings';
import { AzureReportStorage, isAzureConfigured } from './azureStorage';
import { LocalReportStorage } from './localStorage';
import type { ReportStorage } from './reportStorage';

export type { ReportStorage } from './reportStorage';

/** Azure when a connection string or an account name + key is configured, the local disk otherwise. */
export function createReportStorage(settings: Settings): ReportStorage {
  return isAzureConfigured(settings.storage)
    ? AzureReportStorage.fromSettings(settings.storage)
    : new LocalReportStorage(settings.storage.localDir, settings.storage.container, settings.publicUrl);
}
