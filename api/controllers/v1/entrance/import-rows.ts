import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanImport } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { action } from '../../../lib/http/errors';
import { digestedRequest, digestWholeBody, idempotencyKeyOf } from '../../../lib/http/idempotency';
import { bodyFormatOf, readRequestRows } from '../../../lib/http/importBody';
import { jobStatusPath } from '../../../lib/http/paths';
import { acceptedForKey, submitBatch } from '../../../lib/pipeline/submitBatch';

/**
 * POST /api/v1/entrances/import-rows `{ data: [row, ...] }` or a CSV file → 202 with the batch id
 * (SPEC 5, 15). With an Idempotency-Key, a repeat of an earlier request (same key, same body, within
 * 24 hours) answers that request's 202 (`Idempotent-Replayed: true`) and creates nothing (SPEC 13).
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanImport(req.user);
  const { pool, queue, settings, uploads } = serviceContext();
  const { maxBodyBytes, chunkSize } = settings.import;
  // A type or charset it cannot read is a 415 before anything reads the body.
  bodyFormatOf(req.headers);
  const key = idempotencyKeyOf(req.headers);
  const earlier = key
    ? await acceptedForKey(pool, req.user.id, key, () => digestWholeBody(req, maxBodyBytes))
    : null;
  const { request, idempotency } = key ? digestedRequest(req, key) : { request: req, idempotency: undefined };
  const { replayed, ...accepted } =
    earlier ??
    (await submitBatch(
      { pool, queue, chunkSize, limits: settings.import, uploads },
      req.user.id,
      readRequestRows(request, settings.import),
      idempotency,
    ));
  const statusUrl = jobStatusPath(accepted.batchId);
  if (replayed) res.set('Idempotent-Replayed', 'true');
  res
    .set('Location', statusUrl)
    .status(202)
    .json({ ...accepted, statusUrl });
});
