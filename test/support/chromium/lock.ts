/**
 * A lock shared between processes, so that only one test run at a time unpacks the bundled Chromium
 * (several runs started together would otherwise write the same files).
 *
 * It is a folder: mkdir is atomic, so only one process creates it. A run that dies while holding it
 * must not block every later run, so the holder touches the folder every few seconds (a heartbeat),
 * and a lock that is not touched for long enough, or whose owner process is gone, is broken. Breaking
 * and releasing rename the folder away before deleting it, checking it is still the lock they saw, so
 * that a run never deletes a lock another run has just taken.
 */
import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { errorCode } from './errors';

/** A lock whose folder has not been touched for this long belongs to a run that died. */
const LOCK_STALE_MS = 60_000;
/** How often the holder of the lock touches it while unpacking. */
const LOCK_HEARTBEAT_MS = 5_000;
/** How long to wait for another run's unpacking (about 210 MB, a few seconds) before giving up. */
const LOCK_WAIT_MS = 5 * 60_000;
const LOCK_POLL_MS = 200;

interface LockOwner {
  pid: number;
  host: string;
}

/**
 * Takes the lock `lockDir` shared by every process (mkdir is atomic: only one creates the folder),
 * waiting while another run holds it. The holder touches the folder every few seconds; a lock whose
 * owner process is gone (same host) or which has not been touched for LOCK_STALE_MS is broken.
 * Returns the function that releases it.
 */
export async function acquireLock(lockDir: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  const owner: LockOwner = { pid: process.pid, host: os.hostname() };
  let held: Stats;
  for (;;) {
    try {
      await fs.mkdir(lockDir, { mode: 0o700 });
      try {
        await fs.writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(owner), { flag: 'wx' });
      } catch (error) {
        await fs.rm(lockDir, { recursive: true, force: true });
        throw error;
      }
      held = await fs.stat(lockDir);
      break;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const stale = await staleLock(lockDir);
    if (stale) {
      await breakLock(lockDir, stale);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`another test run has held ${lockDir} for over ${LOCK_WAIT_MS / 1000} s`);
    }
    await delay(LOCK_POLL_MS);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(lockDir, now, now).catch(() => {});
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    const current = await fs.stat(lockDir).catch(() => undefined);
    // Still this run's lock (not broken as stale and taken by another run meanwhile).
    if (current?.ino === held.ino && current.dev === held.dev) await breakLock(lockDir, held, 'released');
  };
}

/** The lock folder's stat when it is stale, otherwise undefined. */
async function staleLock(lockDir: string): Promise<Stats | undefined> {
  const stat = await fs.stat(lockDir).catch(() => undefined);
  if (!stat) return undefined;
  if (Date.now() - stat.mtimeMs > LOCK_STALE_MS) return stat;
  const owner = await fs
    .readFile(path.join(lockDir, 'owner.json'), 'utf8')
    .then((text) => JSON.parse(text) as Partial<LockOwner>)
    .catch(() => undefined);
  if (owner?.host === os.hostname() && typeof owner.pid === 'number' && !isAlive(owner.pid)) return stat;
  return undefined;
}

/**
 * Removes the lock folder `seen`: renamed away first (atomic), then deleted. If another run replaced it
 * in the meantime, that run's lock is put back. The folder renamed away is named `<lockDir>.<why>-<uuid>`;
 * if this run dies before deleting it, ./bundledCache's removeLeftovers deletes it later.
 */
async function breakLock(lockDir: string, seen: Stats, why = 'stale'): Promise<void> {
  const away = `${lockDir}.${why}-${randomUUID()}`;
  try {
    await fs.rename(lockDir, away);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await fs.stat(away);
  if (moved.ino !== seen.ino || moved.dev !== seen.dev) {
    try {
      await fs.rename(away, lockDir);
      return;
    } catch {
      // A third run has taken the lock since; the one moved away is lost either way.
    }
  }
  await fs.rm(away, { recursive: true, force: true });
}

/** Whether process `pid` still runs: EPERM means it exists but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}
