/**
 * The running service's parts, for the Sails controllers and middleware: Sails loads those modules
 * itself, so they cannot be handed their dependencies; they ask here instead, at request time.
 */
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Mailer } from './notifications/mailer';
import type { Settings } from './settings';
import type { ReportStorage } from './storage';

export interface ServiceContext {
  settings: Settings;
  pool: pg.Pool;
  boss: PgBoss | null;
  storage: ReportStorage;
  mailer: Mailer;
  tokenSalt: string;
}

let current: ServiceContext | undefined;

export function setServiceContext(context: ServiceContext | undefined): void {
  current = context;
}

export function serviceContext(): ServiceContext {
  if (!current) throw new Error('The service is not started');
  return current;
}
