import assert from 'node:assert/strict';
import http from 'node:http';
import { type LiveProgress, serviceContext } from '../../../api/lib/context';
import { isFinalStatus } from '../../../api/lib/core/types';
import { BATCH_CHANGES_APPLICATION_NAME } from '../../../api/lib/db/batchWatch';
import type { JobStatus } from '../../../api/lib/http/views/jobStatus';
import { until } from '../../support/cluster';
import { type EventStreamClient, type JobEvent, openEventStream } from '../../support/eventStream';
import { importAndWait, submit } from '../../support/imports';
import { holdImportKeys } from '../../support/internals';
import { entranceRow } from '../../support/rows';
import { parseEventStream } from '../../support/sse';
import { type TestUser, useTestService } from '../../support/testService';

/** Rows per chunk, in the test service and in the processes below (IMPORT_CHUNK_SIZE). */
const CHUNK_SIZE = 25;

/** Rows filling `chunks` chunks, and the first row of each: holding its key holds its chunk. */
function chunkedRows(chunks: number) {
  const rows = Array.from({ length: chunks * CHUNK_SIZE }, () => entranceRow());
  return { rows, firstOfEachChunk: rows.filter((_, index) => index % CHUNK_SIZE === 0) };
}

/** A job body without its report links' signatures: every read signs them anew. */
function unsigned(body: JobStatus): unknown {
  if (!body.result) return body;
  const links = Object.entries(body.result.reportUrls).map(([kind, url]) => [
    kind,
    url?.split('?')[0] ?? null,
  ]);
  return { ...body, result: { ...body.result, reportUrls: Object.fromEntries(links) } };
}

/** Reads a stream to its end: what came after `from`, checked to only move forward. */
async function readToEnd(stream: EventStreamClient, from: JobEvent): Promise<JobEvent> {
  let last = from;
  for (let event = await stream.next(); event; event = await stream.next()) {
    assert.ok(!isFinalStatus(last.body.status), `event ${event.id} after the final one`);
    assert.equal(Number(event.id), Number(last.id) + 1, 'ids count up');
    assert.notDeepEqual(unsigned(event.body), unsigned(last.body), 'an event is sent only for a change');
    assert.ok(event.body.progress.completedChunks >= last.body.progress.completedChunks);
    assert.ok(event.body.progress.processedRows >= last.body.progress.processedRows);
    last = event;
  }
  assert.equal(stream.ended, true);
  return last;
}

const firstChunkDone = (event: JobEvent) => event.body.progress.completedChunks >= 1;

/** Asks for a stream and drops the connection before the answer, while the server reads the batch. */
function dropBeforeAnswer(baseUrl: string, batchId: string, token: string): Promise<void> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path: `/api/v1/jobs/${batchId}/events`,
      headers: { authorization: `Bearer ${token}` },
      agent: false,
    });
    request.on('error', () => {});
    request.on('close', () => resolve());
    request.end(() => setImmediate(() => request.destroy()));
  });
}

describe('Live progress: GET /api/v1/jobs/:batchId/events', () => {
  describe('in one process', () => {
    // Heartbeats every second, so that a test can see some without waiting long.
    const suite = useTestService({ env: { EVENTS_HEARTBEAT: '1' } });
    let moderator: TestUser;
    let user: TestUser;
    const live = (): LiveProgress => serviceContext().liveProgress!;
    const databaseUrl = () => suite.app.settings.databaseUrl!;
    const listenConnections = async () =>
      (
        await suite.app.query(
          'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
          [BATCH_CHANGES_APPLICATION_NAME],
        )
      ).map((row) => row.pid as number);
    /** Nothing of any stream is left: no stream, watcher, read, heartbeat or re-read timer. */
    const nothingLeft = () => {
      const { batches, subscribers, readsInFlight, resyncing } = live().batches.stats();
      const { open, heartbeating } = live().streams.stats();
      return { batches, subscribers, readsInFlight, resyncing, open, heartbeating };
    };
    const NOTHING = {
      batches: 0,
      subscribers: 0,
      readsInFlight: 0,
      resyncing: false,
      open: 0,
      heartbeating: false,
    };

    const untilNothingLeft = async () => {
      const nothing = JSON.stringify(NOTHING);
      await until(async () => JSON.stringify(nothingLeft()) === nothing, 30_000, 'nothing left').catch(
        (error: Error) => {
          throw new Error(`${error.message}: ${JSON.stringify(nothingLeft())}`);
        },
      );
    };

    before(async () => {
      moderator = await suite.app.createUser({ group: 'Moderator' });
      user = await suite.app.createUser({ group: 'User' });
    });

    it('sends the body at once, an event when a chunk commits, the final body last, then ends', async () => {
      const { rows, firstOfEachChunk } = chunkedRows(4);
      const hold = await holdImportKeys(databaseUrl(), suite.admin.id, firstOfEachChunk);
      try {
        const batchId = await submit(suite.app, suite.admin, rows);
        const stream = await openEventStream(suite.app.url, batchId, suite.admin.token);
        assert.equal(stream.status, 200);
        assert.equal(stream.headers['content-type'], 'text/event-stream; charset=utf-8');
        assert.equal(stream.headers['cache-control'], 'no-cache, no-transform');
        assert.equal(stream.headers['x-accel-buffering'], 'no');

        // Every chunk waits on a held key: the first body is the batch before any chunk committed.
        const first = await stream.next();
        assert.ok(first);
        assert.deepEqual(stream.retries, [3000]);
        assert.equal(first.id, '1');
        assert.equal(first.event, undefined, 'unnamed events: an EventSource hands them to onmessage');
        assert.equal(first.body.batchId, batchId);
        assert.equal(first.body.progress.completedChunks, 0);
        assert.equal(first.body.progress.totalChunks, 4);

        // One chunk let go: its commit is an event, while the batch cannot end (three chunks held).
        await hold.release(0);
        const progress = await stream.nextMatching(firstChunkDone, 'the first chunk');
        assert.equal(progress.body.status, 'active');
        assert.equal(progress.body.progress.completedChunks, 1);
        assert.equal(progress.body.progress.processedRows, CHUNK_SIZE);
        assert.equal(stream.ended, false);

        await hold.releaseAll();
        const last = await readToEnd(stream, progress);
        assert.equal(last.body.status, 'completed');
        assert.deepEqual(last.body.result?.summary, { successes: 100, duplicates: 0, failures: 0 });
        const job = await suite.app
          .http()
          .get(`/api/v1/jobs/${batchId}`)
          .set('Authorization', `Bearer ${suite.admin.token}`);
        assert.deepEqual(
          unsigned(last.body),
          unsigned(job.body),
          'the final event is the body of GET /jobs/:id',
        );
      } finally {
        await hold.releaseAll();
      }
    });

    it('sends one event and ends for a batch already final, whoever may see it', async () => {
      const done = await importAndWait(suite.app, suite.admin, [entranceRow(), entranceRow()]);
      for (const [who, token] of [
        ['initiator', suite.admin.token],
        ['moderator', moderator.token],
      ]) {
        const res = await suite.app
          .http()
          .get(`/api/v1/jobs/${done.batchId}/events`)
          .set('Authorization', `Bearer ${token}`);
        assert.equal(res.status, 200, who);
        const stream = parseEventStream(res.text);
        assert.deepEqual(stream.retries, [3000]);
        assert.equal(stream.events.length, 1, who);
        assert.equal(stream.events[0].id, '1');
        assert.deepEqual(unsigned(JSON.parse(stream.events[0].data)), unsigned(done), who);
      }
    });

    it('answers as GET /jobs/:id does: 401 without a token, 404 for an unknown id, 403 for another user', async () => {
      const done = await importAndWait(suite.app, suite.admin, [entranceRow()]);
      const get = (id: string, token?: string) => {
        const req = suite.app.http().get(`/api/v1/jobs/${id}/events`);
        return token ? req.set('Authorization', `Bearer ${token}`) : req;
      };
      const anonymous = await get(done.batchId);
      assert.equal(anonymous.status, 401);
      assert.equal(typeof anonymous.body.message, 'string');
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '1']) {
        const res = await get(id, suite.admin.token);
        assert.equal(res.status, 404, id);
        assert.deepEqual(res.body, { message: 'Job batch not found.' });
      }
      const forbidden = await get(done.batchId, user.token);
      assert.equal(forbidden.status, 403);
      assert.deepEqual(forbidden.body, { message: 'You are not authorized to view this job.' });
      assert.deepEqual(nothingLeft(), NOTHING);
    });

    it('sends heartbeat comments while nothing changes', async () => {
      const { rows, firstOfEachChunk } = chunkedRows(1);
      const hold = await holdImportKeys(databaseUrl(), suite.admin.id, firstOfEachChunk);
      try {
        const batchId = await submit(suite.app, suite.admin, rows);
        const stream = await openEventStream(suite.app.url, batchId, suite.admin.token);
        const first = await stream.next();
        assert.ok(first);
        await stream.waitForComments(2);
        assert.deepEqual(stream.comments.slice(0, 2), ['heartbeat', 'heartbeat']);
        assert.equal(stream.events.length, 1, 'heartbeats are comments, not events');
        await hold.releaseAll();
        assert.equal((await readToEnd(stream, first)).body.status, 'completed');
      } finally {
        await hold.releaseAll();
      }
    });

    it('leaves nothing behind after 200 streams opened and dropped, some during an import, some before their answer', async function () {
      this.timeout(180_000);
      const { rows, firstOfEachChunk } = chunkedRows(2);
      const hold = await holdImportKeys(databaseUrl(), suite.admin.id, firstOfEachChunk);
      try {
        const finished = (await importAndWait(suite.app, suite.admin, [entranceRow()])).batchId;
        const running = await submit(suite.app, suite.admin, rows);
        const streams = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            openEventStream(suite.app.url, i % 4 === 0 ? finished : running, suite.admin.token),
          ),
        );
        assert.deepEqual(new Set(streams.map((stream) => stream.status)), new Set([200]));
        // A third dropped at once, some before their first event; the others once they have it.
        streams.forEach((stream, i) => {
          if (i % 3 === 0) stream.close();
        });
        const kept = streams.filter((_, i) => i % 3 !== 0);
        const following = kept.filter((_, i) => i % 4 !== 0);
        await Promise.all(kept.map((stream) => stream.next()));
        assert.ok(live().streams.stats().open >= following.length);

        // However many streams, one LISTEN connection and no connection of their own.
        assert.equal((await listenConnections()).length, 1);
        const [{ n }] = await suite.app.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()',
        );
        assert.ok(n < following.length, `${n} connections for ${following.length} streams`);
        assert.equal(live().batches.stats().batches, 1, 'the running batch is watched once');

        // A chunk commits while they are open: each one still open sees it.
        await hold.release(0);
        await Promise.all(
          following
            .filter((stream) => !stream.ended)
            .map((stream) => stream.nextMatching(firstChunkDone, 'the first chunk')),
        );
        for (const stream of streams) stream.close();
        // And clients that leave before their answer, while the server reads and checks the batch.
        await Promise.all(
          Array.from({ length: 40 }, () => dropBeforeAnswer(suite.app.url, running, suite.admin.token)),
        );
        await untilNothingLeft();
        assert.equal((await listenConnections()).length, 1);

        // The server still answers, and a new stream follows the batch to its end.
        const again = await openEventStream(suite.app.url, running, suite.admin.token);
        const first = await again.next();
        assert.ok(first && firstChunkDone(first));
        await hold.releaseAll();
        assert.equal((await readToEnd(again, first)).body.status, 'completed');
        await untilNothingLeft();
      } finally {
        await hold.releaseAll();
      }
    });

    it('replaces a LISTEN connection that is terminated, and the events go on', async function () {
      this.timeout(120_000);
      const { rows, firstOfEachChunk } = chunkedRows(2);
      const hold = await holdImportKeys(databaseUrl(), suite.admin.id, firstOfEachChunk);
      try {
        const batchId = await submit(suite.app, suite.admin, rows);
        const stream = await openEventStream(suite.app.url, batchId, suite.admin.token);
        assert.ok(await stream.next());

        const [terminated, ...others] = await listenConnections();
        assert.deepEqual(others, []);
        await suite.app.query('SELECT pg_terminate_backend($1)', [terminated]);
        await until(
          async () => {
            const pids = await listenConnections();
            return pids.length === 1 && pids[0] !== terminated && live().batches.stats().listening;
          },
          60_000,
          'a new LISTEN connection',
        );

        // The next change comes as a notification on the new connection.
        const notified = live().batches.stats().notifications;
        await hold.release(0);
        const progress = await stream.nextMatching(firstChunkDone, 'the first chunk');
        assert.ok(live().batches.stats().notifications > notified, 'notified on the new connection');
        await hold.releaseAll();
        assert.equal((await readToEnd(stream, progress)).body.status, 'completed');
      } finally {
        await hold.releaseAll();
      }
    });
  });
});
