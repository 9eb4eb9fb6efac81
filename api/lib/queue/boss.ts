/** pg-boss, started in its own schema, and the pipeline's view of it (`JobQueue`). */
import { PgBoss } from 'pg-boss';
import { coerceError } from '../core/errors';
import { createLogger } from '../core/log';
import type { Settings } from '../core/settings';
import { QUEUES } from '../core/types';
import { listenToChannel } from '../db/channelListener';
import { type Queryable, toExecuteSql } from '../db/pool';
import { PG_BOSS_SCHEMA_VERSION, readQueueSchemaVersion, wakeQueueWorkers } from '../db/sql/queueJobs';
import type { EnqueueOptions, JobQueue } from '../pipeline/ports';
import { queueDefinitions } from './queues';

const log = createLogger('queue');

/** How the connection on which pg-boss hears of new jobs names itself in pg_stat_activity. */
export const PG_BOSS_LISTEN_APPLICATION_NAME = 'cave-import:pgboss-listen';

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
  listenWithOurConnection(boss, databaseUrl);
  await boss.start();
  for (const [name, options] of queueDefinitions(settings)) {
    await ensureQueue(boss, name, options);
  }
  return boss;
}

/**
 * pg-boss's own LISTEN client drops every listener before it ends its connection, so the server's
 * last message on it (a restart's "terminating connection", arriving while the service stops or the
 * client is being replaced) is an 'error' nobody hears, which ends the process. Its database takes any
 * `listen` of pg-boss's adapter interface: ours keeps listening for errors to the end, and comes back
 * with back-off when the connection drops.
 */
function listenWithOurConnection(boss: PgBoss, databaseUrl: string): void {
  const db = boss.getDb();
  db.listen = async (channel, onNotification, onSubscribed) => {
    const listener = await listenToChannel(databaseUrl, {
      channel,
      applicationName: PG_BOSS_LISTEN_APPLICATION_NAME,
      onNotification,
      onSubscribed,
    });
    return { close: () => listener.stop() };
  };
}

/** Warns when pg-boss's tables are not the version the recovery sweep's SQL was written against. */
export async function checkQueueSchemaVersion(db: Queryable, schema: string): Promise<void> {
  const version = await readQueueSchemaVersion(db, schema);
  if (version !== PG_BOSS_SCHEMA_VERSION) {
    log.warn(
      `pg-boss schema version is ${version}, but api/lib/db/sql/queueJobs.ts was written against ${PG_BOSS_SCHEMA_VERSION}: check its queries against the new schema`,
    );
  }
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
async function isQueueAvailable(boss: PgBoss | null): Promise<boolean> {
  if (!boss) return false;
  try {
    return (await boss.getQueue(QUEUES.chunk)) !== null;
  } catch {
    return false;
  }
}

const bossOptions = (options: EnqueueOptions = {}) => ({
  ...(options.db ? { db: toExecuteSql(options.db) } : {}),
  ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
});

/** The pipeline's JobQueue on pg-boss; a process without pg-boss has a queue that is never available. */
export function jobQueueOf(boss: PgBoss | null, schema: string): JobQueue {
  return {
    async send(queue, data, options) {
      if (!boss) throw new Error('The job queue is not started');
      await boss.send(queue, data as object, bossOptions(options));
    },
    async sendAll(queue, data, options) {
      if (!boss) throw new Error('The job queue is not started');
      if (!data.length) return;
      const jobs = data.map((item) => ({ data: item as object }));
      await boss.insert(queue, jobs, options?.db ? { db: toExecuteSql(options.db) } : undefined);
    },
    wakeWorkers: (queue, options) => wakeQueueWorkers(options.db, schema, queue),
    isAvailable: () => isQueueAvailable(boss),
  };
}
