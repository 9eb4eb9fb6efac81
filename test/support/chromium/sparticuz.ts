/**
 * Loading the @sparticuz/chromium package: where it is installed, its version and its launch flags.
 * Importing it has a side effect this module undoes (see SPARTICUZ_ENV_KEYS).
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export const SPARTICUZ = '@sparticuz/chromium';

/**
 * What importing @sparticuz/chromium sets in process.env when the machine looks like AWS Lambda,
 * CodeBuild or Vercel (pointing at /tmp); the launcher gives Chromium its own values instead.
 */
const SPARTICUZ_ENV_KEYS = ['LD_LIBRARY_PATH', 'HOME', 'FONTCONFIG_PATH'];

export interface Sparticuz {
  /** The package's folder, holding bin/*.br. */
  dir: string;
  version: string;
  args: string[];
}

/** The package's folder, version and flags; process.env is left as it was before the import. */
export async function loadSparticuz(): Promise<Sparticuz> {
  const dir = path.resolve(path.dirname(require.resolve(SPARTICUZ)), '..');
  const { version } = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof version !== 'string' || !/^[\w.+-]+$/.test(version)) {
    throw new Error(`unexpected version ${JSON.stringify(version)} in ${path.join(dir, 'package.json')}`);
  }
  const saved = new Map(SPARTICUZ_ENV_KEYS.map((key) => [key, process.env[key]]));
  let args: string[];
  try {
    const { default: sparticuz } = await import('@sparticuz/chromium');
    args = sparticuz.args;
  } finally {
    for (const [key, value] of saved) {
      if (process.env[key] === value) continue;
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return { dir, version, args };
}
