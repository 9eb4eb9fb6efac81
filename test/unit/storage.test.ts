import assert from 'node:assert/strict';
import { readSettings } from '../../api/lib/core/settings';
import { createReportStorage } from '../../api/lib/storage';

describe('Batch completion: storage configuration', () => {
  it('uses Azure for a connection string or an account name + key, the local disk otherwise', () => {
    assert.match(createReportStorage(readSettings({}), 'salt').description, /^local:/);
    const withKey = readSettings({
      AZURE_STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=https;AccountName=caves;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      AZURE_CONTAINER: 'reports',
    });
    assert.equal(createReportStorage(withKey, 'salt').description, 'azure:reports');
    const named = readSettings({ AZURE_ACCOUNT_NAME: 'caves', AZURE_KEY: 'a2V5' });
    assert.equal(createReportStorage(named, 'salt').description, 'azure:documents');
    assert.match(
      createReportStorage(readSettings({ AZURE_ACCOUNT_NAME: 'caves' }), 'salt').description,
      /^local:/,
    );
  });

  it('refuses a connection string that cannot sign report links', () => {
    const sasOnly = readSettings({
      AZURE_STORAGE_CONNECTION_STRING:
        'BlobEndpoint=https://caves.blob.core.windows.net/;SharedAccessSignature=sv=2024&sig=x',
    });
    assert.throws(() => createReportStorage(sasOnly, 'salt'), /must contain AccountKey/);
  });
});
