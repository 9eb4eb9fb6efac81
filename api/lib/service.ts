/**
 * Starts and stops the whole service: database (embedded unless DATABASE_URL is set), migrations,
 * pg-boss and its workers, and the Sails HTTP server. `app.ts`, the tests and the benchmark all start
 * it through here, so they run the same thing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { createLoginLimiter } from './auth/loginLimiter';
import { ensureDevelopmentAdmin } from './auth/users';
import { setServiceContext } from './context';
import { ConfigurationError, coerceError } from './core/errors';
import { createLogger, setLogLevel } from './core/log';
import type { Settings } from './core/settings';
import { Slots } from './core/slots';
import { startBatchWatch } from './db/batchWatch';
import { startEmbeddedPostgres } from './db/embeddedPostgres';
import { migrateDatabase } from './db/migrate';
import { createPool, withTransaction } from './db/pool';
import { answerClientErrorsAsJson, limitClientTimes } from './http/clientErrors';
import { createEventStreams } from './http/eventStream';
import { jobStatusPath } from './http/paths';
import { createMailer, type Mailer } from './notifications/mailer';
import type { JobQueue } from './pipeline/ports';
import { checkQueueSchemaVersion, jobQueueOf, startBoss } from './queue/boss';
import { startWorkers } from './queue/workers';
import { cachedReferenceData } from './rows/referenceData';
import { createReportStorage, type ReportStorage } from './storage';

const log = createLogger('service');

export interface ServiceOptions {
  settings: Settings;
  /** Serve HTTP (false for a worker-only process). */
  http?: boolean;
  /** Replace a part, e.g. a storage that fails, in tests. */
  storage?: ReportStorage;
  mailer?: Mailer;
  /** Create and print a development administrator when none exists (default: outside production). */
  createDevAdmin?: boolean;
  /** Name of the database the embedded server hosts. */
  embeddedDatabase?: string;
}

export interface RunningService {
  settings: Settings;
  databaseUrl: string;
  pool: pg.Pool;
  boss: PgBoss;
  queue: JobQueue;
  /** The Sails app, when serving HTTP. */
  sails: SailsApp | null;
  stop(): Promise<void>;
}

export interface SailsApp {
  lift(config: object, done: (error?: Error) => void): void;
  lower(done: (error?: Error) => void): void;
  hooks: { http?: { server?: Server } };
}

const DEV_SALT_FILE = '.data/token-salt';
const MIN_PRODUCTION_SALT_CHARS = 32;

/**
 * Production demands TOKEN_SALT. Development without one uses a random salt kept in `.data/`, so
 * tokens survive restarts; the smoke script reads it from TOKEN_SALT, never from there.
 */
export function resolveTokenSalt(settings: Settings, file = DEV_SALT_FILE): string {
  if (settings.tokenSalt) {
    if (settings.production && settings.tokenSalt.length < MIN_PRODUCTION_SALT_CHARS) {
      throw new ConfigurationError(
        `TOKEN_SALT must be at least ${MIN_PRODUCTION_SALT_CHARS} characters long in production: it signs the login tokens, and a short secret can be guessed offline from any token.`,
      );
    }
    return settings.tokenSalt;
  }
  if (settings.production) {
    throw new ConfigurationError(
      'TOKEN_SALT must be set when NODE_ENV=production (or any NODE_ENV but development and test): it signs the login tokens. Set it to a long random secret.',
    );
  }
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside, then linked into place: a link never replaces a file, so of two processes starting
  // together the first one's salt wins, and nobody ever reads a file that is still being written.
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(aside, file);
    log.warn(`TOKEN_SALT is not set: using a development salt stored in ${file}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
  return readFileSync(file, 'utf8').trim();
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { settings } = options;
  setLogLevel(settings.logLevel);
  const tokenSalt = resolveTokenSalt(settings);
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    setServiceContext(undefined);
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error) => log.error('Error while stopping', { error: coerceError(error) }));
    }
  };

  try {
    let databaseUrl = settings.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({
        ...settings.embeddedPostgres,
        database: options.embeddedDatabase ?? 'cave_import',
        log: (line) => log.warn(line),
      });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
      log.info(
        `Embedded PostgreSQL on port ${settings.embeddedPostgres.port} (data in ${settings.embeddedPostgres.dataDir})`,
      );
    }

    const applied = await migrateDatabase(databaseUrl, (line) => log.warn(line));
    if (applied.length) log.info(`Applied ${applied.length} migrations`, { migrations: applied });

    const pool = createPool(databaseUrl, settings.dbPoolSize);
    cleanups.push(() => pool.end());

    if (options.createDevAdmin ?? !settings.production) {
      const admin = await withTransaction(pool, (client) => ensureDevelopmentAdmin(client));
      if (admin) {
        process.stdout.write(
          `\nDevelopment administrator created (shown once):\n  email:    ${admin.email}\n  password: ${admin.password}\n\n`,
        );
      }
    }

    const boss = await startBoss(databaseUrl, settings.queue, settings.dbPoolSize);
    // Graceful: running chunks finish (or are failed back to the queue) before the pool closes.
    cleanups.push(() => boss.stop({ graceful: true, timeout: 20_000 }));
    await checkQueueSchemaVersion(pool, settings.queue.schema);
    const queue = jobQueueOf(boss, settings.queue.schema);

    const storage = options.storage ?? createReportStorage(settings, tokenSalt);
    const mailer = options.mailer ?? createMailer(settings.mail);
    const referenceData = cachedReferenceData(pool);
    const loginLimiter = createLoginLimiter(pool, settings.login);
    // Live progress where HTTP is served: one LISTEN connection for the process, whatever its streams.
    const liveProgress =
      options.http === false
        ? null
        : {
            batches: await startBatchWatch({ db: pool, databaseUrl }),
            streams: createEventStreams(settings.events),
          };
    if (liveProgress) cleanups.push(() => liveProgress.batches.stop());
    setServiceContext({
      settings,
      pool,
      queue,
      referenceData,
      tokenSalt,
      loginLimiter,
      storage,
      liveProgress,
      uploads: new Slots(settings.import.maxConcurrentUploads),
    });

    if (settings.queue.workers) {
      const jobUrl = (batchId: string) => `${settings.publicUrl}${jobStatusPath(batchId)}`;
      await startWorkers({ boss, queue, pool, settings, referenceData, storage, mailer, jobUrl });
      log.info(
        `Workers started: ${settings.queue.chunkConcurrency} concurrent chunks, reports to ${storage.description}`,
      );
    }

    let sails: SailsApp | null = null;
    if (options.http !== false) {
      sails = await liftSails(settings, databaseUrl);
      const app = sails;
      cleanups.push(() => new Promise<void>((resolve) => app.lower(() => resolve())));
      // Streams end before the server closes (it would wait for them): their clients reconnect elsewhere.
      if (liveProgress) cleanups.push(async () => liveProgress.streams.closeAll());
    }
    return { settings, databaseUrl, pool, boss, queue, sails, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Lifts a fresh Sails app: API only, every hook the service does not use switched off. */
async function liftSails(settings: Settings, databaseUrl: string): Promise<SailsApp> {
  // A new instance per lift, so tests can start and stop the service more than once.
  const { constructor: Sails } = require('sails') as { constructor: new () => SailsApp };
  const app = new Sails();
  await new Promise<void>((resolve, reject) =>
    app.lift(
      {
        appPath: path.resolve(__dirname, '../..'),
        port: settings.port,
        environment: settings.production ? 'production' : 'development',
        hooks: { grunt: false, sockets: false, pubsub: false, views: false, session: false, i18n: false },
        log: { level: settings.logLevel === 'debug' ? 'verbose' : 'warn' },
        datastores: { default: { adapter: 'sails-postgresql', url: databaseUrl, max: 4 } },
        models: { migrate: 'safe' },
        paths: { public: path.resolve(__dirname, '../../assets') },
      },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  const server = app.hooks.http?.server;
  if (server) {
    answerClientErrorsAsJson(server);
    limitClientTimes(server, settings.idleTimeoutSeconds);
  }
  return app;
}
