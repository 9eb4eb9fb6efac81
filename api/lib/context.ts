/**
 * The running service's parts, for the Sails controllers and middleware: Sails loads those modules
 * itself, so they cannot be handed their dependencies; they ask here instead, at request time.
 */
import type pg from 'pg';
import type { LoginLimiter } from './auth/loginLimiter';
import type { Settings } from './core/settings';
import type { JobQueue } from './pipeline/ports';
import type { ReferenceData } from './rows/referenceData';

export interface ServiceContext {
  settings: Settings;
  pool: pg.Pool;
  queue: JobQueue;
  /** Countries, languages and licenses, loaded once per process. */
  referenceData: () => Promise<ReferenceData>;
  tokenSalt: string;
  loginLimiter: LoginLimiter;
}

// Kept on globalThis, not in a module variable: Sails re-requires config/ and api/ on every lift,
// which can leave two copies of this module, and both must see the running service.
const KEY = Symbol.for('cave-import.service-context');
const registry = globalThis as typeof globalThis & { [KEY]?: ServiceContext };

export function setServiceContext(context: ServiceContext | undefined): void {
  registry[KEY] = context;
}

export function serviceContext(): ServiceContext {
  const current = registry[KEY];
  if (!current) throw new Error('The service is not started');
  return current;
}
