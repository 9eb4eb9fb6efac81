import assert from 'node:assert/strict';
import { useTestService } from '../support/testService';
import { formatReport, runFuzz } from './runner';
import { FUZZ_SERVICE_OPTIONS, prepareWorld } from './world';

/** A fixed seed, so the suite sends the same requests on every run; `npm run fuzz` explores further. */
const SEED = 20_240_610;
const REQUESTS = 500;

describe('Fuzz: HTTP API', () => {
  const suite = useTestService(FUZZ_SERVICE_OPTIONS);

  it(`answers ${REQUESTS} random requests with a 4xx JSON message that created nothing or a documented success, never a 5xx, hang or crash`, async function () {
    this.timeout(180_000);
    const world = await prepareWorld(suite.app);
    const report = await runFuzz(world, {
      requests: REQUESTS,
      seed: SEED,
      shrinkLimit: 3,
      shrinkTimeMs: 20_000,
    });
    assert.equal(report.requests, REQUESTS);
    assert.ok(report.statuses.size > 5, `too few kinds of answers: ${formatReport(report)}`);
    assert.equal(report.findings.length, 0, formatReport(report));
  });
});
