import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanViewAllJobs } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { listJobs } from '../../../lib/db/sql/batches';
import { action } from '../../../lib/http/errors';
import { parseBooleanParam, parsePage } from '../../../lib/http/requestInput';
import { toJobStatus } from '../../../lib/http/views/jobStatus';

/** GET /api/v1/jobs: the caller's batches, or everyone's with `?all=true` for moderators and admins. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const page = parsePage(req.query);
  const all = parseBooleanParam(req.query.all, 'all');
  if (all) assertCanViewAllJobs(req.user);
  const { pool, storage } = serviceContext();
  const { items, total } = await listJobs(pool, all ? null : req.user.id, page);
  const jobs = await Promise.all(items.map((batch) => toJobStatus(batch, storage)));
  res.status(200).json({ items: jobs, total, ...page });
});
