/**
 * Every environment variable the service reads, in one place, with its default.
 * README.md's configuration table mirrors this file.
 */

export interface Settings {
  production: boolean;
  port: number;
  /** Absolute base of the URLs the service hands out (local report links). */
  publicUrl: string;
  /** Unset: an embedded PostgreSQL is started (see `embeddedPostgres`). */
  databaseUrl: string | undefined;
  embeddedPostgres: { dataDir: string; port: number };
  dbPoolSize: number;
  tokenSalt: string | undefined;
  tokenLifetime: string;
  import: {
    chunkSize: number;
    maxRows: number;
    maxBodyBytes: string;
  };
  queue: {
    schema: string;
    /** Workers run in this process (off for an API-only process). */
    workers: boolean;
    chunkConcurrency: number;
    chunkRetryLimit: number;
    chunkRetryDelaySeconds: number;
    chunkExpireSeconds: number;
    aggregateRetryLimit: number;
    aggregateRetryDelaySeconds: number;
    aggregateExpireSeconds: number;
    pollingIntervalSeconds: number;
    /** How often pg-boss looks for expired jobs (those of a crashed process) and retries them. */
    superviseIntervalSeconds: number;
  };
  storage: {
    azureConnectionString: string | undefined;
    azureAccountName: string | undefined;
    azureKey: string | undefined;
    /** Override of the blob endpoint, e.g. an Azurite URL, when an account name + key are used. */
    azureBlobEndpoint: string | undefined;
    container: string;
    localDir: string;
    sasLifetimeDays: number;
  };
  mail: {
    smtpUrl: string | undefined;
    from: string;
  };
  /** Origins allowed to call the API from a browser (a front end served elsewhere). */
  corsOrigins: string[];
  logLevel: string;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function decimal(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

export function readSettings(env: Env = process.env): Settings {
  const port = integer(env, 'PORT', 1337, 1);
  return {
    production: env.NODE_ENV === 'production',
    port,
    publicUrl: (text(env, 'PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: text(env, 'DATABASE_URL'),
    embeddedPostgres: {
      dataDir: text(env, 'EMBEDDED_PG_DIR') ?? '.data/postgres',
      port: integer(env, 'EMBEDDED_PG_PORT', 54329, 1),
    },
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 2),
    tokenSalt: text(env, 'TOKEN_SALT'),
    tokenLifetime: text(env, 'TOKEN_LIFETIME') ?? '12h',
    import: {
      chunkSize: integer(env, 'IMPORT_CHUNK_SIZE', 1000, 1),
      maxRows: integer(env, 'IMPORT_MAX_ROWS', 1_000_000, 1),
      maxBodyBytes: text(env, 'IMPORT_MAX_BODY') ?? '512mb',
    },
    queue: {
      schema: text(env, 'PGBOSS_SCHEMA') ?? 'pgboss',
      workers: !flag(env, 'API_ONLY', false),
      chunkConcurrency: integer(env, 'IMPORT_WORKER_CONCURRENCY', 4, 1),
      chunkRetryLimit: integer(env, 'IMPORT_CHUNK_RETRY_LIMIT', 3, 0),
      chunkRetryDelaySeconds: integer(env, 'IMPORT_CHUNK_RETRY_DELAY', 5, 0),
      chunkExpireSeconds: integer(env, 'IMPORT_CHUNK_EXPIRE', 900, 1),
      aggregateRetryLimit: integer(env, 'IMPORT_REPORT_RETRY_LIMIT', 5, 0),
      aggregateRetryDelaySeconds: integer(env, 'IMPORT_REPORT_RETRY_DELAY', 10, 0),
      aggregateExpireSeconds: integer(env, 'IMPORT_REPORT_EXPIRE', 1800, 1),
      pollingIntervalSeconds: decimal(env, 'QUEUE_POLLING_INTERVAL', 0.5),
      superviseIntervalSeconds: integer(env, 'QUEUE_SUPERVISE_INTERVAL', 30, 1),
    },
    storage: {
      azureConnectionString: text(env, 'AZURE_STORAGE_CONNECTION_STRING'),
      azureAccountName: text(env, 'AZURE_ACCOUNT_NAME'),
      azureKey: text(env, 'AZURE_KEY'),
      azureBlobEndpoint: text(env, 'AZURE_BLOB_ENDPOINT'),
      container: text(env, 'AZURE_CONTAINER') ?? 'documents',
      localDir: text(env, 'LOCAL_UPLOADS_DIR') ?? '.local-uploads',
      sasLifetimeDays: 7,
    },
    mail: {
      smtpUrl: text(env, 'SMTP_URL'),
      from: text(env, 'MAIL_FROM') ?? 'Grottocenter <no-reply@grottocenter.org>',
    },
    corsOrigins: (text(env, 'CORS_ORIGINS') ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
  };
}
