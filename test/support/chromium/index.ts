/**
 * The Chromium that browser tests drive: Debian's (or CHROMIUM_PATH) when there is one, otherwise the
 * headless Chromium that the @sparticuz/chromium package ships compressed inside node_modules, so a
 * fresh x86-64 Linux machine needs nothing beyond `npm ci`. Never a skip: no usable Chromium is a test
 * failure.
 *
 * This module chooses the Chromium and launches it (flags, environment). The package's Chromium is
 * loaded by ./sparticuz, unpacked into a private, verified cache by ./bundledCache (see there why the
 * package's own `executablePath()` is not used), under the lock between processes of ./lock.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';
import { cacheRoot, MARKER, type Unpacked, unpackedChromium } from './bundledCache';
import { errorText } from './errors';
import { loadSparticuz, SPARTICUZ } from './sparticuz';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** As root on a machine without network: no sandbox, no background connections. */
const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * @sparticuz/chromium's flags are tuned for AWS Lambda; these ones do not suit a Playwright test:
 * - `--single-process`: the browser dies when a page's context closes, and every test opens a new one;
 * - `--disable-features=` / `--enable-features=`: Chromium keeps only the last of a switch, so these
 *   would replace Playwright's own feature lists;
 * - `--disable-web-security` / `--allow-running-insecure-content`: the page must face the same
 *   origin rules as in a user's browser.
 */
const UNSUITED_SPARTICUZ_FLAGS = [
  '--single-process',
  '--disable-features=',
  '--enable-features=',
  '--disable-web-security',
  '--allow-running-insecure-content',
];

export async function launchChromium(): Promise<Browser> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return launch('the Chromium at CHROMIUM_PATH', { executablePath: fromEnv, args: QUIET_FLAGS });
  const system = SYSTEM_CHROMIUM.find((candidate) => existsSync(candidate));
  if (system) return launch("Debian's Chromium", { executablePath: system, args: QUIET_FLAGS });
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `No Chromium for the browser tests: none at CHROMIUM_PATH or ${SYSTEM_CHROMIUM.join(' or ')}, ` +
        `and ${SPARTICUZ} ships a Chromium for x86-64 Linux only (this machine is ` +
        `${process.platform}-${process.arch}). Install Debian's \`chromium\` package ` +
        '(`apt-get install chromium`), or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
  return launchSparticuz();
}

async function launchSparticuz(): Promise<Browser> {
  const what = `the Chromium of ${SPARTICUZ}`;
  let cache = 'node_modules/.cache/sparticuz-chromium';
  let unpacked: Unpacked;
  let args: string[];
  try {
    const sparticuz = await loadSparticuz();
    cache = cacheRoot(sparticuz);
    unpacked = await unpackedChromium(sparticuz, cache);
    args = sparticuz.args.filter(
      (flag) => !UNSUITED_SPARTICUZ_FLAGS.some((unsuited) => flag.startsWith(unsuited)),
    );
  } catch (error) {
    throw new Error(
      `No Chromium for the browser tests: none at CHROMIUM_PATH or ${SYSTEM_CHROMIUM.join(' or ')}, ` +
        `and ${what} could not be loaded or unpacked into ${cache} (${errorText(error)}). ` +
        'Run `npm ci` to install it, or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
  const env: Record<string, string | undefined> = {
    ...process.env,
    LD_LIBRARY_PATH: [unpacked.libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  // Without any system font configuration, use the fonts the package ships.
  if (!existsSync('/etc/fonts/fonts.conf')) env.FONTCONFIG_PATH = unpacked.fonts;
  const hint =
    `Its unpacked copy in ${unpacked.dir} is checked against ${MARKER} before each use and unpacked ` +
    `again when it does not match; delete ${cache} to unpack it afresh.`;
  return launch(
    what,
    { executablePath: unpacked.executablePath, args: [...args, ...QUIET_FLAGS], env },
    hint,
  );
}

async function launch(what: string, options: LaunchOptions, hint = ''): Promise<Browser> {
  try {
    return await chromium.launch({ ...options, headless: true });
  } catch (error) {
    throw new Error(
      `Could not start ${what} (${options.executablePath}) for the browser tests.${hint && ` ${hint}`}\n` +
        errorText(error),
    );
  }
}
