import type { Settings } from '../core/settings';
import { AzureReportStorage } from './azureStorage';
import { LocalReportStorage } from './localStorage';
import type { ReportStorage } from './reportStorage';

export type { ReportStorage } from './reportStorage';

/** The storage the settings chose (see `reportStorageKind` in core/settings.ts). */
export function createReportStorage(settings: Settings): ReportStorage {
  return settings.storage.kind === 'azure'
    ? AzureReportStorage.fromSettings(settings.storage)
    : new LocalReportStorage(settings.storage.localDir, settings.storage.container, settings.publicUrl);
}
