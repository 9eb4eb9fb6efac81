import { PgBoss } from 'pg-boss';
import { coerceError, createLogger } from '../log';
import type { Settings } from '../settings';
import { QUEUES, queueDefinitions } from './queues';

const log = createLogger('queue');

/** Starts pg-boss in its own schema and makes sure every queue of the pipeline exists. */
export async function startBoss(
  databaseUrl: string,
  settings: Settings['queue'],
  poolSize: number,
): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: settings.schema,
    // Transactional workers each hold a connection for their handler's duration.
    max: poolSize + settings.chunkConcurrency + 2,
    application_name: 'cave-import:pgboss',
    // Workers wake on NOTIFY when a job is created; polling stays on as the backstop.
    useListenNotify: true,
    // Expired jobs (their process died) are found and retried on this cadence.
    superviseIntervalSeconds: settings.superviseIntervalSeconds,
    monitorIntervalSeconds: settings.superviseIntervalSeconds,
  });
  boss.on('error', (error) => log.error('pg-boss error', { error: coerceError(error) }));
  await boss.start();
  for (const [name, options] of queueDefinitions(settings)) {
    await ensureQueue(boss, name, options);
  }
  return boss;
}

async function ensureQueue(
  boss: PgBoss,
  name: string,
  options: Parameters<PgBoss['createQueue']>[1],
): Promise<void> {
  const existing = await boss.getQueue(name);
  if (existing) {
    // Keep a deployed queue's retry and expiry settings in step with the configuration. Its policy
    // (and a few other options) are fixed at creation: pg-boss refuses to change them.
    const { retryDelayMax: _retryDelayMax, policy: _policy, ...updatable } = options ?? {};
    await boss.updateQueue(name, updatable);
    return;
  }
  try {
    await boss.createQueue(name, options);
  } catch (error) {
    // Another process created it first.
    if (!(await boss.getQueue(name))) throw error;
  }
}

/** The queue answers when pg-boss is running and its chunk queue exists (one indexed read). */
export async function isQueueAvailable(boss: PgBoss | null): Promise<boolean> {
  if (!boss) return false;
  try {
    return (await boss.getQueue(QUEUES.chunk)) !== null;
  } catch {
    return false;
  }
}
