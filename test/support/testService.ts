/**
 * Starts the real service (HTTP, pg-boss, workers) on a fresh database for one suite, with helpers to
 * make users, sign tokens, call the API and wait for batches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import supertest from 'supertest';
import type { GroupName } from '../../api/lib/auth/groups';
import { signToken } from '../../api/lib/auth/tokens';
import { upsertUser } from '../../api/lib/auth/users';
import { readSettings, type Settings } from '../../api/lib/core/settings';
import { isFinalStatus, type QueueName } from '../../api/lib/core/types';
import { withTransaction } from '../../api/lib/db/pool';
import { groupsOfCaver } from '../../api/lib/db/sql/cavers';
import { countBatchJobs, countQueueJobs, queueJobTable } from '../../api/lib/db/sql/queueJobs';
import type { JobStatus } from '../../api/lib/http/views/jobStatus';
import type { Mailer } from '../../api/lib/notifications/mailer';
import { type RunningService, startService } from '../../api/lib/service';
import { createReportStorage, type ReportStorage } from '../../api/lib/storage';
import { recordResponses } from './contract';
import { freePort, migratedDatabase } from './database';

export const TEST_SALT = 'test-token-salt-0123456789abcdef';

export interface TestUser {
  id: number;
  email: string;
  password: string;
  token: string;
}

export interface TestService {
  service: RunningService;
  settings: Settings;
  url: string;
  http: () => supertest.Agent;
  /** Rows of one SQL statement on the service's database. */
  query(text: string, values?: unknown[]): Promise<pg.QueryResultRow[]>;
  createUser(options?: { group?: GroupName; language?: string; nickname?: string }): Promise<TestUser>;
  waitForBatch(batchId: string, token: string, timeoutMs?: number): Promise<JobStatus>;
  /** A batch's jobs in one queue, read through the data layer (never the queue's table by name). */
  jobsOf(queue: QueueName, batchId: string): Promise<{ total: number; retried: number; live: number }>;
  /** Every job of one queue, whatever its batch or state. */
  countJobs(queue: QueueName): Promise<number>;
  /** Deletes a batch's jobs in one queue: a lost job, as an operator's mistake would make it. */
  deleteJobsOf(queue: QueueName, batchId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TestServiceOptions {
  settings?: SettingsOverrides;
  storage?: ReportStorage;
  /** Wraps the storage the settings choose (to make it fail on demand, say). */
  wrapStorage?: (storage: ReportStorage) => ReportStorage;
  mailer?: Mailer;
  env?: Record<string, string>;
}

/**
 * The suite set-up every integration suite shares: the service starts before the suite's first test
 * (with an administrator to import as) and stops after its last. Read `suite.app` and `suite.admin`
 * inside hooks and tests, once they have started. Hooks run in the order they are declared: declare
 * the servers the service needs before calling this, and they stop after it.
 */
export function useTestService(options: TestServiceOptions | (() => TestServiceOptions) = {}): {
  app: TestService;
  admin: TestUser;
} {
  const suite = {} as { app: TestService; admin: TestUser };
  before(async function () {
    this.timeout(120_000);
    // A function: options that only exist once earlier hooks ran (an Azurite or SMTP server's address).
    suite.app = await startTestService(typeof options === 'function' ? options() : options);
    suite.admin = await suite.app.createUser({ group: 'Administrator' });
  });
  after(async () => {
    await suite.app?.stop();
  });
  return suite;
}

type SettingsOverrides = {
  [K in keyof Settings]?: Settings[K] extends object ? Partial<Settings[K]> : Settings[K];
};

let users = 0;

/** Azure when a suite gives Azure settings, as REPORT_STORAGE's default would choose. */
function storageKind(storage: Partial<Settings['storage']> = {}): Settings['storage']['kind'] {
  return storage.azureConnectionString || (storage.azureAccountName && storage.azureKey) ? 'azure' : 'local';
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const port = await freePort();
  const uploads = mkdtempSync(path.join(os.tmpdir(), 'cave-import-uploads-'));
  const base = readSettings({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error', ...options.env });
  const settings: Settings = {
    ...base,
    port,
    publicUrl: `http://127.0.0.1:${port}`,
    databaseUrl: options.settings?.databaseUrl ?? (await migratedDatabase()),
    tokenSalt: TEST_SALT,
    ...options.settings,
    import: { ...base.import, chunkSize: 25, ...options.settings?.import },
    queue: {
      ...base.queue,
      chunkRetryDelaySeconds: 1,
      aggregateRetryDelaySeconds: 1,
      pollingIntervalSeconds: 0.5,
      ...options.settings?.queue,
    },
    storage: {
      ...base.storage,
      localDir: uploads,
      kind: storageKind(options.settings?.storage),
      ...options.settings?.storage,
    },
    mail: { ...base.mail, ...options.settings?.mail },
  } as Settings;

  const service = await startService({
    settings,
    storage: options.storage ?? options.wrapStorage?.(createReportStorage(settings, TEST_SALT)),
    // With an SMTP server configured the real mailer sends to it; otherwise emails are collected.
    mailer: options.mailer ?? (settings.mail.smtpUrl ? undefined : silentMailer()),
    createDevAdmin: false,
  });
  const url = settings.publicUrl;
  // The queue's own table, for the tests that must lose jobs behind the pipeline's back.
  const jobTable = queueJobTable(settings.queue.schema);
  // Every request made through http() has its response checked against the OpenAPI contract.
  const http = (): supertest.Agent =>
    new Proxy(supertest.agent(url), {
      get(agent, property, receiver) {
        const value = Reflect.get(agent, property, receiver);
        if (typeof value !== 'function') return value;
        if (['get', 'post', 'put', 'patch', 'delete'].includes(String(property))) {
          return (...args: unknown[]) => recordResponses(value.apply(agent, args));
        }
        return value.bind(agent);
      },
    });

  return {
    service,
    settings,
    url,
    http,
    query: async (text, values = []) => (await service.pool.query(text, values)).rows,
    async createUser({ group = 'User', language = 'eng', nickname } = {}) {
      const n = ++users;
      const email = `user${n}-${process.pid}@example.org`;
      const password = `password-${n}`;
      const id = await withTransaction(service.pool, (client) =>
        upsertUser(client, {
          email,
          password,
          nickname: nickname ?? `${group.toLowerCase()}${n}`,
          group,
          language,
        }),
      );
      const token = signToken(
        {
          id,
          nickname: nickname ?? `${group.toLowerCase()}${n}`,
          groups: await groupsOfCaver(service.pool, id),
        },
        TEST_SALT,
        3600,
      );
      return { id, email, password, token };
    },
    async waitForBatch(batchId, token, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await supertest(url)
          .get(`/api/v1/jobs/${batchId}`)
          .set('Authorization', `Bearer ${token}`);
        if (res.status !== 200)
          throw new Error(`GET /api/v1/jobs/${batchId} answered ${res.status}: ${res.text}`);
        const status = res.body as JobStatus;
        if (isFinalStatus(status.status)) return status;
        if (Date.now() > deadline)
          throw new Error(`Batch ${batchId} still ${status.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    jobsOf: (queue, batchId) => countBatchJobs(service.pool, settings.queue.schema, queue, batchId),
    countJobs: (queue) => countQueueJobs(service.pool, settings.queue.schema, queue),
    async deleteJobsOf(queue, batchId) {
      await service.pool.query(`DELETE FROM ${jobTable} WHERE name = $1 AND data->>'batchId' = $2`, [
        queue,
        batchId,
      ]);
    },
    async stop() {
      await service.stop();
      rmSync(uploads, { recursive: true, force: true });
    },
  };
}

/** Collects emails instead of printing them. */
export function silentMailer(): Mailer & {
  sent: { to: string; subject: string; text: string }[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
} {
  const sent: { to: string; subject: string; text: string }[] = [];
  return {
    sent,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (sent.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} emails, ${sent.length} sent`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async send(to, email) {
      sent.push({ to, subject: email.subject, text: email.text });
    },
  };
}
