/**
 * The Chromium that browser tests drive: Debian's (or CHROMIUM_PATH) when there is one, otherwise the
 * headless Chromium that the @sparticuz/chromium package ships compressed inside node_modules, so a
 * fresh machine needs nothing beyond `npm ci`. Never a skip: no usable Chromium is a test failure.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

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
  return launchSparticuz();
}

async function launchSparticuz(): Promise<Browser> {
  const what = 'the Chromium of @sparticuz/chromium';
  const tmp = os.tmpdir();
  let executablePath: string;
  let libraries: string;
  let args: string[];
  try {
    const { default: sparticuz, inflate } = await import('@sparticuz/chromium');
    // Unpacks chromium, fonts and SwiftShader into the temporary folder on first use (about 210 MB).
    executablePath = await sparticuz.executablePath();
    // The NSS and expat libraries Chromium links against, which a machine without a browser may lack.
    // The package unpacks them by itself only on AWS Lambda.
    const bin = path.join(path.dirname(require.resolve('@sparticuz/chromium')), '..', 'bin');
    libraries = path.join(await inflate(path.join(bin, 'al2023.tar.br')), 'lib');
    args = sparticuz.args.filter(
      (flag) => !UNSUITED_SPARTICUZ_FLAGS.some((unsuited) => flag.startsWith(unsuited)),
    );
  } catch (error) {
    throw new Error(
      `No Chromium for the browser tests: none at CHROMIUM_PATH or ${SYSTEM_CHROMIUM.join(' or ')}, ` +
        `and ${what} could not be loaded or unpacked into ${tmp} (${errorText(error)}). ` +
        'Run `npm ci` to install it, or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
  const env: Record<string, string | undefined> = {
    ...process.env,
    LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  // Without any system font configuration, use the fonts the package ships (its fonts.conf names /tmp/fonts).
  if (!existsSync('/etc/fonts/fonts.conf')) env.FONTCONFIG_PATH = path.join(tmp, 'fonts');
  // executablePath() reuses whatever file is there, so an interrupted first unpacking leaves a broken one.
  const hint = `If an earlier unpacking was interrupted, delete ${path.join(tmp, 'chromium')} and run the tests again.`;
  return launch(what, { executablePath, args: [...args, ...QUIET_FLAGS], env }, hint);
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
