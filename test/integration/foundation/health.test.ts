import assert from 'node:assert/strict';
import { cutOffDatabase } from '../../support/database';
import { startTestService, useTestService } from '../../support/testService';

describe('Foundation: health', () => {
  const suite = useTestService();

  it('reports the database and the queue healthy', async () => {
    const res = await suite.app.http().get('/api/v1/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok', database: 'ok', queue: 'ok' });
  });
});

describe('Foundation: health when the database is down', () => {
  it('answers 503 when the database cannot be reached', async () => {
    const app = await startTestService({ env: { LOG_LEVEL: 'silent' } });
    try {
      await cutOffDatabase(app.service.databaseUrl);
      const res = await app.http().get('/api/v1/health');
      assert.equal(res.status, 503, res.text);
      assert.deepEqual(res.body, { status: 'error', database: 'error', queue: 'error' });
    } finally {
      await app.stop().catch(() => {});
    }
  });
});
