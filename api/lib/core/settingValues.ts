/**
 * How settings.ts reads one environment variable of each kind, checking it as it goes: a value that
 * cannot be right is a ConfigurationError naming the variable.
 */
import { ConfigurationError } from './errors';

export type Env = Record<string, string | undefined>;

export function integer(
  env: Env,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\s*\d*\.?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigurationError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigurationError(`${name} must be true or false, got "${raw}"`);
}

export function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigurationError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const BODY_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
/** The longest string V8 can hold (2^29 - 24 characters): a larger JSON body could never be parsed. */
const MAX_JSON_BODY_BYTES = 512 * 1024 ** 2;

/** The bytes of a body size such as `512mb`, `64kb` or `1048576`, in body-parser's units; NaN if unreadable. */
export function parseBodySize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/.exec(text.trim().toLowerCase());
  return match ? Math.floor(Number(match[1]) * BODY_UNITS[match[2] ?? 'b']) : Number.NaN;
}

/** A body size, checked: 1kb to 512mb. */
export function bodySize(env: Env, name: string, fallback: string): string {
  const raw = (text(env, name) ?? fallback).trim().toLowerCase();
  const bytes = parseBodySize(raw);
  if (!Number.isFinite(bytes) || bytes < 1024 || bytes > MAX_JSON_BODY_BYTES) {
    throw new ConfigurationError(
      `${name} must be a size from 1kb to 512mb, such as 512mb, 64kb or 1048576 (bytes), got "${text(env, name)}"`,
    );
  }
  return raw.replace(/\s+/g, '');
}

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = Object.freeze({
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
});

/** `60` → "1 minute", `2592000` → "30 days": the largest unit that divides the span. */
export function spanText(seconds: number): string {
  const units: [string, number][] = [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  const [unit, size] = units.find(([, size]) => seconds % size === 0) ?? ['second', 1];
  const count = seconds / size;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** A time span (`90m`, `12h`, `7d`, or seconds), in seconds, from `min` to `max` seconds. */
export function duration(env: Env, name: string, fallback: string, min: number, max: number): number {
  const raw = (text(env, name) ?? fallback).trim();
  const match = /^(\d{1,9})\s*(s|m|h|d|w)?$/.exec(raw);
  const seconds = match ? Number(match[1]) * SECONDS_PER_UNIT[match[2] ?? 's'] : Number.NaN;
  if (!(seconds >= min && seconds <= max)) {
    throw new ConfigurationError(
      `${name} must be a duration from ${spanText(min)} to ${spanText(max)}, such as 90m, 12h, 7d or 3600 (seconds), got "${raw}"`,
    );
  }
  return seconds;
}

/** A PostgreSQL schema name the service can use unquoted. */
export function identifier(env: Env, name: string, fallback: string): string {
  const raw = text(env, name) ?? fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) {
    throw new ConfigurationError(
      `${name} must be a lower-case identifier (letters, digits, _), got "${raw}"`,
    );
  }
  return raw;
}
