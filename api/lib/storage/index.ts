import type { Settings } from '../core/settings';
import { AzureReportStorage } from './azureStorage';
import { LocalReportStorage } from './localStorage';
import type { ReportStorage } from './reportStorage';

export type { LinkCheck, ReportStorage } from './reportStorage';

/**
 * The storage the settings chose (see `reportStorageKind` in core/settings.ts). `linkSecret` signs
 * local links (the token salt): every process of a deployment must sign and check them alike.
 */
export function createReportStorage(settings: Settings, linkSecret: string): ReportStorage {
  const { storage } = settings;
  return storage.kind === 'azure'
    ? AzureReportStorage.fromSettings(storage)
    : new LocalReportStorage(
        storage.localDir,
        storage.container,
        settings.publicUrl,
        linkSecret,
        storage.linkLifetimeDays,
      );
}
