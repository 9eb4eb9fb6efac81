/**
 * A PostgreSQL server of one test's own (its own data folder and port), which the test may stop and
 * start again on the same folder and port, as an operator restarting the database would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../api/lib/db/embeddedPostgres';
import { freePort } from './database';

export interface PrivatePostgres {
  /** The URL of the test's database on it. */
  url: string;
  /** Fast shutdown (SIGINT): open sessions are ended, new connections refused until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and deletes its data. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(database = 'cave_import_faults'): Promise<PrivatePostgres> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cave-import-private-pg-'));
  // The embedded server creates (and, run as root, hands to its own user) a folder that is not there.
  rmSync(dataDir, { recursive: true });
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir, port, database });
  let server: EmbeddedDatabase | null = await start();
  const url = server.url;
  return {
    url,
    async stop() {
      await server?.stop();
      server = null;
    },
    async start() {
      server ??= await start();
    },
    async destroy() {
      await server?.stop();
      server = null;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
