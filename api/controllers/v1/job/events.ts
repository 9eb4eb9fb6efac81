import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanViewJob } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { coerceError } from '../../../lib/core/errors';
import { createLogger } from '../../../lib/core/log';
import { isFinalStatus } from '../../../lib/core/types';
import type { BatchRow } from '../../../lib/db/sql/batches';
import { action } from '../../../lib/http/errors';
import type { EventStreamResponse } from '../../../lib/http/eventStream';
import { requestedBatch } from '../../../lib/http/requestedBatch';
import { toJobStatus } from '../../../lib/http/views/jobStatus';

const log = createLogger('http:events');

/**
 * GET /api/v1/jobs/:batchId/events (SPEC 13): the body of GET /api/v1/jobs/:batchId as server-sent
 * events, at once and at each visible change, until the first final body, after which the stream
 * ends. Same access rules as the job. The batch is read here once, for those rules; every later read
 * is the process's batch watch's, shared by every stream of the batch.
 */
export = action(async (req: AuthenticatedRequest, res: Response & EventStreamResponse) => {
  const { pool, storage, liveProgress } = serviceContext();
  if (!liveProgress) throw new Error('Live progress does not run in this process');
  const { batches, streams } = liveProgress;
  streams.assertRoom();
  const batch = await requestedBatch(pool, req.params.batchId);
  assertCanViewJob(req.user, batch);
  const stream = streams.open(res);
  if (req.method === 'HEAD') return stream.end();
  if (stream.closed) return; // the client left while its batch was read

  // Bodies are rendered (their links signed) one after the other, so they go out in the order read.
  let sending = Promise.resolve();
  const send = (row: BatchRow) => {
    sending = sending
      .then(async () => {
        if (stream.closed) return;
        stream.send(await toJobStatus(row, storage));
        if (isFinalStatus(row.status)) stream.end();
      })
      .catch((error: unknown) => {
        log.error('Could not send a job event', { batch: row.id, error: coerceError(error) });
        stream.end();
      });
  };
  // An ended batch: its body, and the stream ends (a later revert is not followed).
  if (isFinalStatus(batch.status)) return send(batch);
  try {
    stream.onClose(batches.watch(batch.id, send));
  } catch (error) {
    stream.end(); // the process is stopping: the client reconnects elsewhere
    throw error;
  }
});
