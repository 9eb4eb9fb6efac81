/**
 * npm run fuzz [-- --requests 20000 --seed 42 --timeout 10000 --shrink 5]
 * npm run fuzz -- --seed 42 --path 1234      (replays and shrinks one request a run reported)
 *
 * Property-based fuzzing of the HTTP API (test/fuzz/): starts the real service on a throw-away
 * embedded PostgreSQL (or TEST_DATABASE_URL's server), sends `--requests` random requests drawn by
 * fast-check from `--seed`, and checks each: a 4xx with a JSON message that created nothing, or a
 * documented success; never a 5xx, a hang or a crash; every accepted row ends with one outcome.
 * Prints the requests sent, the statuses seen, the seed and the time; exits 1 on any violation,
 * with a shrunk counterexample of each. The service logs nothing unless TEST_LOG_LEVEL says so.
 */
import { parseArgs } from 'node:util';
import { formatReport, runFuzz } from '../test/fuzz/runner';
import { FUZZ_SERVICE_OPTIONS, prepareWorld } from '../test/fuzz/world';
import { startDatabaseServer, stopDatabaseServer } from '../test/support/database';
import { startTestService } from '../test/support/testService';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    timeout: { type: 'string', default: '10000' },
    shrink: { type: 'string', default: '8' },
    path: { type: 'string' },
  },
});

function integerArg(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`--${name} must be an integer, got "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  process.env.TEST_LOG_LEVEL ??= 'silent';
  const requests = integerArg('requests', values.requests);
  const seed =
    values.seed === undefined ? (Date.now() ^ (process.pid << 16)) >>> 0 : integerArg('seed', values.seed);
  // An exception nobody caught would end the process: the service crashed, and that is a finding.
  const crashes: string[] = [];
  const record = (error: unknown) =>
    crashes.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);

  console.log(`fuzzing the HTTP API: ${requests} requests, seed ${seed}`);
  await startDatabaseServer();
  const app = await startTestService(FUZZ_SERVICE_OPTIONS);
  try {
    const world = await prepareWorld(app);
    const report = await runFuzz(world, {
      requests,
      seed,
      timeoutMs: integerArg('timeout', values.timeout),
      shrinkLimit: integerArg('shrink', values.shrink),
      replayPath: values.path,
      progress: (done, total) => {
        if (done % 1000 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
      },
    });
    console.log(formatReport(report));
    for (const crash of crashes)
      console.log(`\nVIOLATION: crash (uncaught in the service's process)\n${crash}`);
    return report.findings.length || crashes.length ? 1 : 0;
  } finally {
    await app.stop();
    await stopDatabaseServer();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
