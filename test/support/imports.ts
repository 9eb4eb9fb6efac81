import assert from 'node:assert/strict';
import type { JobStatus } from '../../api/lib/http/views/jobStatus';
import type { TestService, TestUser } from './testService';

/** POSTs rows, expects 202, waits for the batch to end and returns its final status. */
export async function importAndWait(app: TestService, user: TestUser, rows: object[]): Promise<JobStatus> {
  const batchId = await submit(app, user, rows);
  return app.waitForBatch(batchId, user.token);
}

export async function submit(app: TestService, user: TestUser, rows: object[]): Promise<string> {
  const res = await app
    .http()
    .post('/api/v1/entrances/import-rows')
    .set('Authorization', `Bearer ${user.token}`)
    .send({ data: rows });
  assert.equal(res.status, 202, res.text);
  return res.body.batchId;
}

export interface OutcomeRow {
  line: number;
  outcome: 'success' | 'duplicate' | 'failure';
  message: string | null;
  id_entrance: number | null;
  id_cave: number | null;
}

export async function outcomesOf(app: TestService, batchId: string): Promise<OutcomeRow[]> {
  const { rows } = await app.service.pool.query<OutcomeRow>(
    'SELECT line, outcome, message, id_entrance, id_cave FROM t_job_batch_outcome WHERE id_job_batch = $1 ORDER BY line',
    [batchId],
  );
  return rows;
}
