/**
 * The running service's parts, for the Sails controllers and middleware: Sails loads those modules
 * itself, so they cannot be handed their dependencies; they ask here instead, at request time.
 */
import type pg from 'pg';
import type { LoginLimiter } from './auth/loginLimiter';
import type { Settings } from './core/settings';
import type { Slots } from './core/slots';
import type { BatchWatch } from './db/batchWatch';
import type { EventStreams } from './http/eventStream';
import type { JobQueue } from './pipeline/ports';
import type { ReferenceData } from './rows/referenceData';
import type { ReportStorage } from './storage';

export interface ServiceContext {
  settings: Settings;
  pool: pg.Pool;
  queue: JobQueue;
  /** Countries, languages and licenses, loaded once per process. */
  referenceData: () => Promise<ReferenceData>;
  tokenSalt: string;
  loginLimiter: LoginLimiter;
  /** Where the reports are: the API signs links to them on every read. */
  storage: ReportStorage;
  /** Live progress (GET /api/v1/jobs/:batchId/events), in a process that serves HTTP. */
  liveProgress: LiveProgress | null;
  /** Imports being staged (IMPORT_MAX_UPLOADS): each holds a pooled connection while its client sends. */
  uploads: Slots;
}

/** The batch watch (one LISTEN connection per process) and the streams that follow it. */
export interface LiveProgress {
  batches: BatchWatch;
  streams: EventStreams;
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
