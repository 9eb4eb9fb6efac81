/**
 * One PostgreSQL server for the whole run (embedded in a temporary folder, or TEST_DATABASE_URL's),
 * one migrated template database, and a fresh clone of it for each suite that asks: suites never
 * see each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../api/lib/db/embeddedPostgres';
import { migrateDatabase } from '../../api/lib/db/migrate';

const TEMPLATE = `cave_import_template_${process.pid}`;

let adminUrl: string | undefined;
let stopServer: (() => Promise<void>) | undefined;
const created: string[] = [];
let counter = 0;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function startDatabaseServer(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cave-import-test-pg-'));
    rmSync(dataDir, { recursive: true });
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
    adminUrl = server.url;
    stopServer = async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  await admin((client) => client.query(`CREATE DATABASE ${TEMPLATE}`));
  await migrateDatabase(withDatabase(adminUrl, TEMPLATE));
}

/** An empty database, no migrations applied. */
export async function emptyDatabase(): Promise<string> {
  const name = `cave_import_test_${process.pid}_${++counter}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  created.push(name);
  return withDatabase(adminUrl!, name);
}

/** A database with every migration applied, cloned from the template in a fraction of a second. */
export async function migratedDatabase(): Promise<string> {
  const name = `cave_import_test_${process.pid}_${++counter}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`));
  created.push(name);
  return withDatabase(adminUrl!, name);
}

/** Makes a database unreachable, as if its server had gone: refuses new connections, ends the open ones. */
export async function cutOffDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin(async (client) => {
    await client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  });
}

/** The rows of one statement on the database at `url`, on a connection of its own. */
export async function queryDatabase<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function stopDatabaseServer(): Promise<void> {
  if (stopServer) {
    await stopServer();
    return;
  }
  // A shared server: leave it as we found it.
  await admin(async (client) => {
    for (const name of [...created, TEMPLATE])
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
