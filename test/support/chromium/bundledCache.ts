/**
 * The private cache holding the unpacked Chromium of @sparticuz/chromium.
 *
 * The package's own `executablePath()` unpacks into `os.tmpdir()` (it takes the folder of the compressed
 * files as argument, never the destination), writes in place and trusts any file already there: two
 * runs starting together fail with ETXTBSY, an interrupted run leaves a truncated binary behind for
 * good, and on a shared machine another user can plant /tmp/chromium or /tmp/al2023/lib. So this module
 * unpacks the package's files itself into a private cache, node_modules/.cache/sparticuz-chromium/
 * <package version>/ (mode 0700): under a lock shared between processes (./lock), into a temporary
 * folder that is renamed into place, then a completion marker listing every file's size and SHA-256 is
 * written. A cache is used only while its marker matches; otherwise it is unpacked again.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { decompress, extract, type TarFs } from './archives';
import { errorCode } from './errors';
import { acquireLock } from './lock';
import { SPARTICUZ, type Sparticuz } from './sparticuz';

/** Written last into an unpacked copy: the package version and every file's size and SHA-256. */
export const MARKER = 'complete.json';

/** Staging or discarded folders left by a killed run are removed once older than this. */
const LEFTOVER_MS = 60 * 60_000;

export interface Unpacked {
  dir: string;
  executablePath: string;
  /** The NSS and expat libraries Chromium links against, which a machine without a browser may lack. */
  libraries: string;
  /** A fontconfig folder naming the fonts the package ships. */
  fonts: string;
}

/** node_modules/.cache/sparticuz-chromium beside the installed package. */
export function cacheRoot(sparticuz: Sparticuz): string {
  // The package lives in <node_modules>/@sparticuz/chromium.
  return path.join(sparticuz.dir, '..', '..', '.cache', 'sparticuz-chromium');
}

function layout(dir: string): Unpacked {
  return {
    dir,
    executablePath: path.join(dir, 'chromium'),
    libraries: path.join(dir, 'al2023', 'lib'),
    fonts: path.join(dir, 'fonts'),
  };
}

/** The cached copy of the package's Chromium, unpacked first when missing or not matching its marker. */
export async function unpackedChromium(sparticuz: Sparticuz, root: string): Promise<Unpacked> {
  await privateDirectory(root);
  const target = path.join(root, sparticuz.version);
  if (await isComplete(target, sparticuz.version)) return layout(target);
  const release = await acquireLock(`${target}.lock`);
  try {
    // Another run may have unpacked it while this one waited for the lock.
    if (!(await isComplete(target, sparticuz.version))) await unpack(sparticuz, root, target);
  } finally {
    await release();
  }
  return layout(target);
}

/**
 * Creates the cache folder with mode 0700, or checks an existing one: a real folder of this user's,
 * inside a folder other users cannot write to (unless sticky).
 */
async function privateDirectory(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  await fs.mkdir(parent, { recursive: true });
  const parentStat = await fs.stat(parent);
  if ((parentStat.mode & 0o022) !== 0 && (parentStat.mode & 0o1000) === 0) {
    throw new Error(`${parent} is writable by other users`);
  }
  try {
    await fs.mkdir(dir, { mode: 0o700 });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  const stat = await fs.lstat(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a folder`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new Error(`${dir} belongs to another user (uid ${stat.uid})`);
  }
  if ((stat.mode & 0o077) !== 0) await fs.chmod(dir, 0o700);
}

interface Marker {
  package: string;
  version: string;
  /** Where it was unpacked: fonts.conf names this folder. */
  dir: string;
  files: Record<string, { size: number; sha256: string }>;
}

/** Whether `dir` holds a whole unpacked copy: its marker matches the version, the folder and every file. */
async function isComplete(dir: string, version: string): Promise<boolean> {
  try {
    const stat = await fs.lstat(dir);
    if (!stat.isDirectory()) return false;
    const marker = JSON.parse(await fs.readFile(path.join(dir, MARKER), 'utf8')) as Partial<Marker>;
    if (marker.package !== SPARTICUZ || marker.version !== version || marker.dir !== dir) return false;
    const files = Object.entries(marker.files ?? {});
    const names = new Set(files.map(([name]) => name));
    if (!['chromium', 'fonts/fonts.conf', 'al2023/lib/libnss3.so'].every((name) => names.has(name))) {
      return false;
    }
    for (const [name, { size }] of files) {
      if (path.isAbsolute(name) || name.split('/').includes('..')) return false;
      const file = await fs.lstat(path.join(dir, name));
      if (!file.isFile() || file.size !== size) return false;
    }
    for (const [name, { sha256 }] of files) {
      if ((await hashFile(path.join(dir, name))) !== sha256) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Unpacks the package's chromium.br, swiftshader.tar.br (beside the binary, where Chromium looks for
 * it), al2023.tar.br and fonts.tar.br into a staging folder, renames it to `target`, then writes the
 * marker. Called with the lock held.
 */
async function unpack(sparticuz: Sparticuz, root: string, target: string): Promise<void> {
  await removeLeftovers(root);
  let staging: string | undefined = await fs.mkdtemp(path.join(root, `.unpacking-${sparticuz.version}-`));
  try {
    const bin = path.join(sparticuz.dir, 'bin');
    const tarFs = createRequire(path.join(sparticuz.dir, 'package.json'))('tar-fs') as TarFs;
    const into = staging;
    const expected = (
      await Promise.all([
        decompress(path.join(bin, 'chromium.br'), path.join(into, 'chromium')),
        extract(tarFs, path.join(bin, 'swiftshader.tar.br'), into, ''),
        extract(tarFs, path.join(bin, 'al2023.tar.br'), path.join(into, 'al2023'), 'al2023'),
        extract(tarFs, path.join(bin, 'fonts.tar.br'), path.join(into, 'fonts'), 'fonts'),
      ])
    ).flat();
    for (const [name, size] of expected) {
      const file = await fs.lstat(path.join(into, name));
      if (!file.isFile() || file.size !== size) throw new Error(`${name} was not unpacked whole`);
    }
    // The package's fonts.conf names /tmp/fonts and other shared folders: name only this copy's fonts.
    await fs.writeFile(path.join(into, 'fonts', 'fonts.conf'), fontsConf(target));
    const marker: Marker = { package: SPARTICUZ, version: sparticuz.version, dir: target, files: {} };
    for (const name of await filesIn(into)) {
      const file = path.join(into, name);
      marker.files[name] = { size: (await fs.stat(file)).size, sha256: await hashFile(file) };
    }

    await discard(root, target);
    await fs.rename(into, target);
    staging = undefined;
    const temporary = path.join(target, `${MARKER}.${randomUUID()}.tmp`);
    await fs.writeFile(temporary, `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await fs.rename(temporary, path.join(target, MARKER));
  } finally {
    if (staging) await fs.rm(staging, { recursive: true, force: true });
  }
}

function fontsConf(dir: string): string {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${xml(path.join(dir, 'fonts', 'fonts'))}</dir>`,
    `  <cachedir>${xml(path.join(dir, 'fonts-cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

/** Every regular file under `dir`, as relative paths with `/`; anything but files and folders is an error. */
async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    const name = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (entry.isFile()) names.push(name);
    else if (!entry.isDirectory()) throw new Error(`unexpected ${name} among the unpacked files`);
  }
  return names.sort();
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest('hex');
}

/** Moves `dir` out of the way (an atomic rename) and deletes it, if it exists. */
async function discard(root: string, dir: string): Promise<void> {
  const trash = path.join(root, `.discarded-${randomUUID()}`);
  try {
    await fs.rename(dir, trash);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  await fs.rm(trash, { recursive: true, force: true });
}

/**
 * Staging and discarded folders of runs that were killed (and the `<lock>.released-` / `<lock>.stale-`
 * folders that ./lock's breakLock renames a lock to before deleting it).
 */
async function removeLeftovers(root: string): Promise<void> {
  for (const name of await fs.readdir(root)) {
    if (!/^\.(unpacking|discarded)-|\.lock\.(released|stale)-/.test(name)) continue;
    const stat = await fs.lstat(path.join(root, name)).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > LEFTOVER_MS) {
      await fs.rm(path.join(root, name), { recursive: true, force: true });
    }
  }
}
