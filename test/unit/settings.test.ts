import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError } from '../../api/lib/core/errors';
import { readSettings } from '../../api/lib/core/settings';
import { resolveTokenSalt } from '../../api/lib/service';

const refused = (env: Record<string, string>, message: RegExp) =>
  assert.throws(
    () => readSettings(env),
    (error: unknown) => error instanceof ConfigurationError && message.test(error.message),
  );

describe('Foundation: settings', () => {
  it('reads body sizes in body-parser units, and refuses sizes it would misread', () => {
    assert.equal(readSettings({ IMPORT_MAX_BODY: '64kb' }).import.maxBodyBytes, '64kb');
    assert.equal(readSettings({ IMPORT_MAX_BODY: ' 256 MB ' }).import.maxBodyBytes, '256mb');
    assert.equal(readSettings({ IMPORT_MAX_BODY: '1048576' }).import.maxBodyBytes, '1048576');
    for (const bad of ['1g', 'abc', '0', '600mb', '1tb', '-5mb', '12 kilobytes']) {
      refused({ IMPORT_MAX_BODY: bad }, /^IMPORT_MAX_BODY must be a size from 1kb to 512mb/);
    }
  });

  it('refuses numbers that are not whole, out of range, or not numbers at all, naming the variable', () => {
    refused({ IMPORT_CHUNK_SIZE: '0' }, /^IMPORT_CHUNK_SIZE must be an integer from 1 to 100000, got "0"$/);
    refused({ IMPORT_CHUNK_SIZE: '1e3' }, /^IMPORT_CHUNK_SIZE/);
    refused({ PORT: '70000' }, /^PORT/);
    refused({ IMPORT_WORKER_CONCURRENCY: '2.5' }, /^IMPORT_WORKER_CONCURRENCY/);
    refused({ QUEUE_POLLING_INTERVAL: '0' }, /^QUEUE_POLLING_INTERVAL/);
    refused({ QUEUE_POLLING_INTERVAL: 'fast' }, /^QUEUE_POLLING_INTERVAL/);
    refused({ API_ONLY: 'maybe' }, /^API_ONLY must be true or false/);
    refused({ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of error, warn, info, debug, silent/);
    refused({ TOKEN_LIFETIME: 'forever' }, /^TOKEN_LIFETIME must be a duration/);
    for (const bad of ['30', '30s', '31d', '999999999999w', '0', '1.5h']) {
      refused({ TOKEN_LIFETIME: bad }, /^TOKEN_LIFETIME must be a duration from 1 minute to 30 days/);
    }
    // Seconds, whatever the unit: jsonwebtoken would read the string "3600" as milliseconds.
    for (const [given, seconds] of [
      ['3600', 3600],
      ['90m', 5400],
      ['12h', 43_200],
      ['7d', 604_800],
      ['2w', 1_209_600],
    ] as const) {
      assert.equal(readSettings({ TOKEN_LIFETIME: given }).tokenLifetime, seconds, given);
    }
    refused({ PGBOSS_SCHEMA: 'pg-boss; drop' }, /^PGBOSS_SCHEMA must be a lower-case identifier/);
    assert.equal(readSettings({ QUEUE_POLLING_INTERVAL: '0.75' }).queue.pollingIntervalSeconds, 0.75);
    refused({ QUEUE_POLLING_INTERVAL: '0.25' }, /^QUEUE_POLLING_INTERVAL must be a number from 0.5 to 60/);
  });

  it('reads the live progress settings: heartbeat seconds and streams per process', () => {
    assert.deepEqual(readSettings({}).events, { heartbeatSeconds: 15, maxStreams: 1000 });
    assert.deepEqual(readSettings({ EVENTS_HEARTBEAT: '5', EVENTS_MAX_STREAMS: '20' }).events, {
      heartbeatSeconds: 5,
      maxStreams: 20,
    });
    refused({ EVENTS_HEARTBEAT: '0' }, /^EVENTS_HEARTBEAT must be an integer from 1 to 30, got "0"$/);
    refused({ EVENTS_HEARTBEAT: '60' }, /^EVENTS_HEARTBEAT must be an integer from 1 to 30/);
    refused({ EVENTS_MAX_STREAMS: 'many' }, /^EVENTS_MAX_STREAMS must be an integer/);
  });

  it('applies production rules to every NODE_ENV but development and test', () => {
    for (const mode of ['production', 'prod', 'staging', 'Production']) {
      assert.equal(readSettings({ NODE_ENV: mode, REPORT_STORAGE: 'local' }).production, true, mode);
    }
    for (const mode of [undefined, 'development', 'test']) {
      assert.equal(readSettings(mode ? { NODE_ENV: mode } : {}).production, false, String(mode));
    }
  });

  it('keeps reports on local disk in production only when chosen with REPORT_STORAGE=local', () => {
    refused({ NODE_ENV: 'production' }, /^No report storage is configured/);
    assert.equal(readSettings({ NODE_ENV: 'production', REPORT_STORAGE: 'local' }).storage.kind, 'local');
    assert.equal(
      readSettings({ NODE_ENV: 'production', AZURE_ACCOUNT_NAME: 'a', AZURE_KEY: 'k' }).storage.kind,
      'azure',
    );
    assert.equal(readSettings({}).storage.kind, 'local');
    refused({ REPORT_STORAGE: 'azure' }, /^REPORT_STORAGE=azure needs/);
    refused({ REPORT_STORAGE: 's3' }, /^REPORT_STORAGE must be one of azure, local/);
  });

  it('refuses a production TOKEN_SALT shorter than 32 characters', () => {
    const production = readSettings({ NODE_ENV: 'production', REPORT_STORAGE: 'local', TOKEN_SALT: 'short' });
    assert.throws(
      () => resolveTokenSalt(production),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /^TOKEN_SALT must be at least 32 characters/.test(error.message),
    );
    const long = 'x'.repeat(32);
    assert.equal(resolveTokenSalt({ ...production, tokenSalt: long }), long);
    assert.equal(
      resolveTokenSalt({ ...production, production: false }),
      'short',
      'development takes any salt',
    );
  });

  it('creates the development salt once, even when several processes start together', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'cave-import-salt-'));
    try {
      const file = path.join(folder, 'nested', 'token-salt');
      const code = `const { resolveTokenSalt } = require(${JSON.stringify(path.resolve(__dirname, '../../api/lib/service'))});
        const { readSettings } = require(${JSON.stringify(path.resolve(__dirname, '../../api/lib/core/settings'))});
        process.stdout.write(resolveTokenSalt(readSettings({ LOG_LEVEL: 'silent' }), ${JSON.stringify(file)}));`;
      const salts = await Promise.all(
        Array.from(
          { length: 6 },
          () =>
            new Promise<string>((resolve, reject) => {
              const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], {
                stdio: ['ignore', 'pipe', 'inherit'],
              });
              let out = '';
              child.stdout.on('data', (chunk) => {
                out += chunk;
              });
              child.on('close', (exitCode) =>
                exitCode === 0 ? resolve(out) : reject(new Error(`exit ${exitCode}`)),
              );
            }),
        ),
      );
      assert.equal(new Set(salts).size, 1, 'every process uses the same salt');
      assert.equal(readFileSync(file, 'utf8'), salts[0]);
      assert.ok(salts[0].length >= 40);
      assert.deepEqual(readdirSync(path.dirname(file)), ['token-salt'], 'no file left aside');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
