/**
 * Password hashes, never computed on the event loop: argon2id (the native argon2 package runs in
 * libuv's thread pool) for every new hash, and bcrypt, in a worker thread, only to verify the hashes
 * stored before argon2 (`$2a$`/`$2b$`), which `needsRehash` tells the caller to replace.
 */
import { Worker } from 'node:worker_threads';
import argon2 from 'argon2';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. About 20 ms of a pool thread per hash here.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hash.startsWith('$argon2')) return argon2.verify(hash, password).catch(() => false);
  if (/^\$2[aby]\$/.test(hash)) return bcryptWorker().compare(password, hash);
  return false;
}

/** Whether a hash that verified should be replaced by a current one (bcrypt, or weaker argon2 settings). */
export function needsRehash(hash: string): boolean {
  return !hash.startsWith('$argon2') || argon2.needsRehash(hash, ARGON2_OPTIONS);
}

interface BcryptWorker {
  compare(password: string, hash: string): Promise<boolean>;
}

let worker: BcryptWorker | undefined;

/** One lazily started worker thread for bcrypt's comparisons, which bcryptjs does in JavaScript. */
function bcryptWorker(): BcryptWorker {
  worker ??= startBcryptWorker();
  return worker;
}

function startBcryptWorker(): BcryptWorker {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const bcrypt = require(${JSON.stringify(require.resolve('bcryptjs'))});
    parentPort.on('message', ({ id, password, hash }) => {
      bcrypt.compare(password, hash).then(
        (valid) => parentPort.postMessage({ id, valid }),
        () => parentPort.postMessage({ id, valid: false }),
      );
    });`;
  const thread = new Worker(source, { eval: true });
  // Idle, it must not keep the process alive.
  thread.unref();
  const pending = new Map<number, (valid: boolean) => void>();
  let next = 0;
  thread.on('message', ({ id, valid }: { id: number; valid: boolean }) => {
    pending.get(id)?.(valid);
    pending.delete(id);
  });
  thread.on('error', () => {
    for (const resolve of pending.values()) resolve(false);
    pending.clear();
    worker = undefined;
  });
  return {
    compare: (password, hash) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        thread.postMessage({ id, password, hash });
      }),
  };
}
