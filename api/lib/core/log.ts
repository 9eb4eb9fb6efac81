/**
 * A small leveled logger whose lines carry their scope (batch, chunk, job, attempt), so a worker's
 * log can be followed through retries. Never logs request bodies, passwords or tokens.
 */
const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
  error(message: string, context?: object): void;
  warn(message: string, context?: object): void;
  info(message: string, context?: object): void;
  debug(message: string, context?: object): void;
  child(scope: string): Logger;
}

// On globalThis for the same reason as the service context: Sails may load a second copy of this module.
const KEY = Symbol.for('cave-import.log-threshold');
const registry = globalThis as typeof globalThis & { [KEY]?: number };
const threshold = () => registry[KEY] ?? LEVELS.info;

export function setLogLevel(level: string): void {
  registry[KEY] = level in LEVELS ? LEVELS[level as LogLevel] : level === 'silent' ? -1 : LEVELS.info;
}

function format(context: object | undefined): string {
  if (!context) return '';
  const parts = Object.entries(context).map(([key, value]) => {
    const shown =
      value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value);
    return `${key}=${shown}`;
  });
  return parts.length ? ` (${parts.join(' ')})` : '';
}

export function createLogger(scope: string): Logger {
  const write = (level: LogLevel) => (message: string, context?: object) => {
    if (LEVELS[level] > threshold()) return;
    const line = `${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${message}${format(context)}`;
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: (sub) => createLogger(`${scope}:${sub}`),
  };
}
