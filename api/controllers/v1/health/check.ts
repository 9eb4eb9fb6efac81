import type { Request, Response } from '../../../../types/http';
import { serviceContext } from '../../../lib/context';
import { ping } from '../../../lib/db/sql/server';
import { action } from '../../../lib/http/errors';

const TIMEOUT_MS = 3000;

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'error'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'error';
  } finally {
    clearTimeout(timer);
  }
}

/** GET /api/v1/health: 200 when the database and the job queue answer, 503 otherwise. */
export = action(async (_req: Request, res: Response) => {
  const context = serviceContext();
  const [database, queue] = await Promise.all([
    probe(() => ping(context.pool)),
    probe(async () => {
      if (!(await context.queue.isAvailable())) throw new Error('queue unavailable');
    }),
  ]);
  const healthy = database === 'ok' && queue === 'ok';
  res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'error', database, queue });
});
