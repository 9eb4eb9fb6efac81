/**
 * Every environment variable the service reads, in one place, with its default. Each is checked here:
 * a value that cannot be right stops the start with a ConfigurationError naming the variable.
 * README.md's configuration table mirrors this file.
 */
import { ConfigurationError } from './errors';
import {
  bodySize,
  decimal,
  duration,
  type Env,
  flag,
  identifier,
  integer,
  oneOf,
  text,
} from './settingValues';

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
  /** Seconds a login token is valid. */
  tokenLifetime: number;
  /** Login attempts allowed per window, per account address and per client address. */
  login: { perAccount: number; perClient: number; windowSeconds: number };
  import: {
    chunkSize: number;
    maxRows: number;
    /** Most distinct column names in one request. */
    maxColumns: number;
    maxBodyBytes: string;
    /** Uploads staged at once by this process; one more is answered 503. */
    maxConcurrentUploads: number;
    /** Days an ended batch's staged row data is kept. */
    retentionDays: number;
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
    /** A running job's heartbeat period; a job silent for this long is failed back for a retry. */
    heartbeatSeconds: number;
    emailRetryLimit: number;
    emailRetryDelaySeconds: number;
    /** A batch younger than this is left to the pipeline by the recovery sweep. */
    recoveryGraceSeconds: number;
  };
  storage: {
    /** Where reports go: Azure Blob Storage, or this server's disk. */
    kind: 'azure' | 'local';
    azureConnectionString: string | undefined;
    azureAccountName: string | undefined;
    azureKey: string | undefined;
    /** Override of the blob endpoint, e.g. an Azurite URL, when an account name + key are used. */
    azureBlobEndpoint: string | undefined;
    container: string;
    localDir: string;
    /** How long a report link is valid from the read that signed it (Azure SAS, signed local links). */
    linkLifetimeDays: number;
  };
  mail: {
    smtpUrl: string | undefined;
    from: string;
  };
  /** Live progress streams (GET /api/v1/jobs/:batchId/events). */
  events: {
    /** Seconds between the comment lines that keep an idle stream open through proxies. */
    heartbeatSeconds: number;
    /** Streams one process holds open at most; past it a new one answers 503. */
    maxStreams: number;
  };
  /** Read the client's address from X-Forwarded-For (behind a reverse proxy only). */
  trustProxy: boolean;
  /**
   * Seconds a connection may send and receive nothing before it is closed (a stalled upload frees
   * its database connection); more than a live progress stream's heartbeat.
   */
  idleTimeoutSeconds: number;
  /** Origins allowed to call the API from a browser (a front end served elsewhere). */
  corsOrigins: string[];
  logLevel: string;
}

/**
 * Azure when it is configured; the local disk otherwise, but in production only when chosen with
 * REPORT_STORAGE=local: reports on one server's disk must be a decision, never a fallback.
 */
function reportStorageKind(env: Env): 'azure' | 'local' {
  const azure = Boolean(
    text(env, 'AZURE_STORAGE_CONNECTION_STRING') ||
      (text(env, 'AZURE_ACCOUNT_NAME') && text(env, 'AZURE_KEY')),
  );
  const chosen = text(env, 'REPORT_STORAGE');
  if (chosen === undefined) {
    if (azure || isDevelopment(env)) return azure ? 'azure' : 'local';
    throw new ConfigurationError(
      'No report storage is configured: set AZURE_STORAGE_CONNECTION_STRING (or AZURE_ACCOUNT_NAME and AZURE_KEY), ' +
        "or REPORT_STORAGE=local to keep the reports on this server's disk.",
    );
  }
  const kind = oneOf(env, 'REPORT_STORAGE', ['azure', 'local'] as const, 'local');
  if (kind === 'azure' && !azure) {
    throw new ConfigurationError(
      'REPORT_STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING, or AZURE_ACCOUNT_NAME and AZURE_KEY.',
    );
  }
  return kind;
}

/**
 * Development (a dev admin, a dev salt, local storage by default) only when NODE_ENV says so or is
 * unset: any other value, "prod" or "staging" or a typo of "production", gets production's rules.
 */
function isDevelopment(env: Env): boolean {
  const mode = text(env, 'NODE_ENV');
  return mode === undefined || mode === 'development' || mode === 'test';
}

export function readSettings(env: Env = process.env): Settings {
  const port = integer(env, 'PORT', 1337, 1, 65_535);
  const poolSize = integer(env, 'DB_POOL_SIZE', 10, 2, 500);
  return {
    production: !isDevelopment(env),
    port,
    publicUrl: (text(env, 'PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: text(env, 'DATABASE_URL'),
    embeddedPostgres: {
      dataDir: text(env, 'EMBEDDED_PG_DIR') ?? '.data/postgres',
      port: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65_535),
    },
    dbPoolSize: poolSize,
    tokenSalt: text(env, 'TOKEN_SALT'),
    tokenLifetime: duration(env, 'TOKEN_LIFETIME', '12h', 60, 30 * 86_400),
    login: {
      perAccount: integer(env, 'LOGIN_LIMIT_PER_ACCOUNT', 5, 1, 10_000),
      perClient: integer(env, 'LOGIN_LIMIT_PER_CLIENT', 20, 1, 100_000),
      windowSeconds: integer(env, 'LOGIN_LIMIT_WINDOW', 10, 1, 86_400),
    },
    import: {
      chunkSize: integer(env, 'IMPORT_CHUNK_SIZE', 2000, 1, 100_000),
      maxRows: integer(env, 'IMPORT_MAX_ROWS', 1_000_000, 1, 10_000_000),
      maxColumns: integer(env, 'IMPORT_MAX_COLUMNS', 500, 1, 10_000),
      maxBodyBytes: bodySize(env, 'IMPORT_MAX_BODY', '512mb'),
      // An upload holds a pooled connection while its client sends: half the pool at most, so reads,
      // logins and chunk workers always find one.
      maxConcurrentUploads: integer(
        env,
        'IMPORT_MAX_UPLOADS',
        Math.max(1, Math.floor(poolSize / 2)),
        1,
        poolSize - 1,
      ),
      retentionDays: integer(env, 'IMPORT_RETENTION_DAYS', 30, 1, 36_500),
    },
    queue: {
      schema: identifier(env, 'PGBOSS_SCHEMA', 'pgboss'),
      workers: !flag(env, 'API_ONLY', false),
      chunkConcurrency: integer(env, 'IMPORT_WORKER_CONCURRENCY', 3, 1, 64),
      chunkRetryLimit: integer(env, 'IMPORT_CHUNK_RETRY_LIMIT', 3, 0, 100),
      chunkRetryDelaySeconds: integer(env, 'IMPORT_CHUNK_RETRY_DELAY', 5, 0, 3600),
      chunkExpireSeconds: integer(env, 'IMPORT_CHUNK_EXPIRE', 900, 1, 86_400),
      aggregateRetryLimit: integer(env, 'IMPORT_REPORT_RETRY_LIMIT', 5, 0, 100),
      aggregateRetryDelaySeconds: integer(env, 'IMPORT_REPORT_RETRY_DELAY', 10, 0, 3600),
      aggregateExpireSeconds: integer(env, 'IMPORT_REPORT_EXPIRE', 1800, 1, 86_400),
      // pg-boss polls at most every half second.
      pollingIntervalSeconds: decimal(env, 'QUEUE_POLLING_INTERVAL', 0.5, 0.5, 60),
      superviseIntervalSeconds: integer(env, 'QUEUE_SUPERVISE_INTERVAL', 15, 1, 3600),
      heartbeatSeconds: integer(env, 'QUEUE_HEARTBEAT', 15, 10, 600),
      emailRetryLimit: integer(env, 'EMAIL_RETRY_LIMIT', 30, 0, 1000),
      emailRetryDelaySeconds: integer(env, 'EMAIL_RETRY_DELAY', 60, 0, 3600),
      recoveryGraceSeconds: integer(env, 'RECOVERY_GRACE', 120, 0, 86_400),
    },
    storage: {
      kind: reportStorageKind(env),
      azureConnectionString: text(env, 'AZURE_STORAGE_CONNECTION_STRING'),
      azureAccountName: text(env, 'AZURE_ACCOUNT_NAME'),
      azureKey: text(env, 'AZURE_KEY'),
      azureBlobEndpoint: text(env, 'AZURE_BLOB_ENDPOINT'),
      container: text(env, 'AZURE_CONTAINER') ?? 'documents',
      localDir: text(env, 'LOCAL_UPLOADS_DIR') ?? '.local-uploads',
      linkLifetimeDays: 7,
    },
    mail: {
      smtpUrl: text(env, 'SMTP_URL'),
      from: text(env, 'MAIL_FROM') ?? 'Grottocenter <no-reply@grottocenter.org>',
    },
    events: {
      heartbeatSeconds: integer(env, 'EVENTS_HEARTBEAT', 15, 1, 30),
      maxStreams: integer(env, 'EVENTS_MAX_STREAMS', 1000, 1, 100_000),
    },
    trustProxy: flag(env, 'TRUST_PROXY', false),
    idleTimeoutSeconds: integer(env, 'HTTP_IDLE_TIMEOUT', 120, 40, 3600),
    corsOrigins: (text(env, 'CORS_ORIGINS') ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'info', 'debug', 'silent'], 'info'),
  };
}
