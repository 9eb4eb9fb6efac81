import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { serviceContext } from '../../../api/lib/context';
import { isFinalStatus } from '../../../api/lib/core/types';
import type { JobStatus } from '../../../api/lib/http/views/jobStatus';
import {
  type Admin,
  type ApiProcess,
  createAdmin,
  jobStatus,
  postRows,
  startApiProcess,
  startWorkerProcess,
  until,
  uploadsFolder,
  warnings,
} from '../../support/cluster';
import { migratedDatabase } from '../../support/database';
import { type EventStreamClient, type JobEvent, openEventStream } from '../../support/eventStream';
import { submit } from '../../support/imports';
import { holdImportKeys } from '../../support/internals';
import type { ServiceProcess } from '../../support/processes';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

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

describe('Live progress: GET /api/v1/jobs/:batchId/events, bounded, and across processes', () => {
  describe('with a bound on streams', () => {
    const suite = useTestService({ env: { EVENTS_MAX_STREAMS: '2' } });

    it('answers 503 with Retry-After past EVENTS_MAX_STREAMS, and takes streams again once some end', async () => {
      const { rows, firstOfEachChunk } = chunkedRows(1);
      const hold = await holdImportKeys(suite.app.settings.databaseUrl!, suite.admin.id, firstOfEachChunk);
      try {
        const batchId = await submit(suite.app, suite.admin, rows);
        const open = () => openEventStream(suite.app.url, batchId, suite.admin.token);
        const [first, second] = [await open(), await open()];
        assert.deepEqual([first.status, second.status], [200, 200]);

        const refused = await open();
        assert.equal(refused.status, 503);
        assert.match(refused.headers['content-type'] ?? '', /^application\/json/);
        assert.ok(Number(refused.headers['retry-after']) >= 1);
        assert.deepEqual(await refused.json(), {
          message: 'This server follows as many imports as it can right now. Try again later.',
        });

        second.close();
        await until(
          async () => serviceContext().liveProgress!.streams.stats().open === 1,
          30_000,
          'one stream',
        );
        const third = await open();
        assert.equal(third.status, 200);
        await hold.releaseAll();
        for (const stream of [first, third]) {
          const head = await stream.next();
          assert.ok(head);
          assert.equal((await readToEnd(stream, head)).body.status, 'completed');
        }
      } finally {
        await hold.releaseAll();
      }
    });
  });

  describe('API and workers in separate processes', () => {
    let databaseUrl: string;
    let uploads: string;
    let api: ApiProcess;
    let worker: ServiceProcess;
    let admin: Admin;

    before(async function () {
      this.timeout(180_000);
      databaseUrl = await migratedDatabase();
      uploads = uploadsFolder();
      // Production mode: Sails' `compress` middleware is on, as on a real server.
      const env = { IMPORT_CHUNK_SIZE: String(CHUNK_SIZE) };
      [api, worker] = await Promise.all([
        startApiProcess(databaseUrl, uploads, { ...env, API_ONLY: 'true' }),
        startWorkerProcess(databaseUrl, uploads, env),
      ]);
      admin = await createAdmin(databaseUrl);
    });

    after(async function () {
      this.timeout(90_000);
      await Promise.all([api?.process.stop(), worker?.stop()]);
      if (uploads) rmSync(uploads, { recursive: true, force: true });
    });

    it('streams the progress of chunks another process imports, uncompressed, before the batch ends', async function () {
      this.timeout(120_000);
      const { rows, firstOfEachChunk } = chunkedRows(3);
      const hold = await holdImportKeys(databaseUrl, admin.id, firstOfEachChunk);
      try {
        const batchId = await postRows(api.url, admin.token, rows);
        const stream = await openEventStream(api.url, batchId, admin.token, {
          'accept-encoding': 'gzip, deflate, br',
        });
        assert.equal(stream.status, 200);
        assert.equal(stream.headers['content-encoding'], undefined, 'not compressed');
        const first = await stream.next();
        assert.ok(first);
        assert.equal(first.body.progress.completedChunks, 0);

        await hold.release(0);
        const progress = await stream.nextMatching(firstChunkDone, 'the first chunk');
        assert.equal(progress.body.status, 'active', 'an event arrived while the batch runs');
        await hold.releaseAll();
        const last = await readToEnd(stream, progress);
        assert.equal(last.body.status, 'completed');
        assert.deepEqual(unsigned(last.body), unsigned(await jobStatus(api.url, admin.token, batchId)));
      } catch (error) {
        throw new Error(
          `${(error as Error).message}\napi:\n${warnings(api.process.output())}\nworker:\n${warnings(worker.output())}`,
          { cause: error },
        );
      } finally {
        await hold.releaseAll();
      }
    });
  });
});
