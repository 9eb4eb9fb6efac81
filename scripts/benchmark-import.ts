/**
 * npm run benchmark [-- --rows 10000 --runs 3 --chunk-size 1000 --concurrency 4]
 *
 * Starts the service on a throw-away embedded PostgreSQL (or BENCH_DATABASE_URL), then for each run
 * POSTs a batch over HTTP (85 % fresh rows, 15 % repeats of earlier keys), polls it to `completed`
 * and prints: POST latency, POST-to-completed time, end-to-end rows/s, the chunk import's own rows/s
 * (from the job timings pg-boss records), the time check-rows takes to classify the same rows, and
 * the process's peak memory. Reports medians, since small machines are noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signToken } from '../api/lib/auth/tokens';
import { upsertUser } from '../api/lib/auth/users';
import { readSettings } from '../api/lib/core/settings';
import { withTransaction } from '../api/lib/db/pool';
import { readChunkTimings } from '../api/lib/db/sql/queueJobs';
import { startService } from '../api/lib/service';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'chunk-size': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const ROWS = Number(values.rows);
const RUNS = Number(values.runs);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function makeRows(run: number, count: number): Record<string, string>[] {
  const fresh = Math.round(count * 0.85);
  return Array.from({ length: count }, (_, i) => {
    const key = i < fresh ? i : (i * 7919) % fresh; // repeats point back at earlier keys
    return {
      id: `bench-${process.pid}-${run}-${key}`,
      'rdf:type': 'karstlink:UndergroundCavity',
      'dct:rights/cc:attributionName': 'Benchmark Caving Club',
      'dct:rights/karstlink:licenseType': 'CC-BY-SA',
      'dct:rights/dct:created': '2024-01-15',
      'gn:countryCode': ['FR', 'ES', 'CH', 'IT'][key % 4],
      'w3geo:latitude': (40 + (key % 1000) / 100).toFixed(5),
      'w3geo:longitude': (2 + (key % 500) / 100).toFixed(5),
      'w3geo:altitude': String(500 + (key % 2000)),
      'rdfs:label': `Gouffre ${key}`,
      'rdfs:label/dc:language': 'fra',
      'karstlink:length': String(100 + (key % 5000)),
      'karstlink:hasDescriptionDocument/dct:title': `Description ${key}`,
      'karstlink:hasDescriptionDocument/dct:description': 'A pit followed by a meander and a large chamber.',
      'karstlink:hasDescriptionDocument/dc:language': 'fra',
      'karstlink:hasDescriptionDocument/dct:creator': `https://example.org/cavers#Author_${key % 50}`,
    };
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cave-import-bench-'));
  rmSync(dataDir, { recursive: true });
  const base = readSettings({ LOG_LEVEL: 'warn' });
  const settings = {
    ...base,
    port: 0,
    databaseUrl: process.env.BENCH_DATABASE_URL,
    embeddedPostgres: { dataDir, port: 54400 + (process.pid % 500) },
    tokenSalt: 'benchmark-salt',
    import: { ...base.import, chunkSize: Number(values['chunk-size']) },
    queue: { ...base.queue, chunkConcurrency: Number(values.concurrency) },
    storage: { ...base.storage, localDir: path.join(dataDir, '..', `${path.basename(dataDir)}-uploads`) },
  };
  const service = await startService({ settings, createDevAdmin: false, mailer: { send: async () => {} } });
  const address = service.sails?.hooks.http?.server?.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : settings.port}`;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);

  try {
    const id = await withTransaction(service.pool, (client) =>
      upsertUser(client, {
        email: 'bench@example.org',
        password: 'bench-password',
        nickname: 'bench',
        group: 'Administrator',
      }),
    );
    const token = signToken(
      { id, nickname: 'bench', groups: [{ id: 1, name: 'Administrator' }] },
      'benchmark-salt',
      '1h',
    );
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const results: { check: number; post: number; total: number; chunkRowsPerSecond: number }[] = [];

    for (let run = 1; run <= RUNS; run++) {
      const body = JSON.stringify({ data: makeRows(run, ROWS) });
      // The dry run first, on the same rows: what an admin waits for before pressing Import.
      const checkStarted = performance.now();
      const checked = await fetch(`${url}/api/v1/entrances/check-rows`, { method: 'POST', headers, body });
      if (checked.status !== 200)
        throw new Error(`check-rows answered ${checked.status}: ${await checked.text()}`);
      await checked.arrayBuffer();
      const check = performance.now() - checkStarted;
      const started = performance.now();
      const res = await fetch(`${url}/api/v1/entrances/import-rows`, { method: 'POST', headers, body });
      const post = performance.now() - started;
      if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
      const { batchId, statusUrl } = (await res.json()) as { batchId: string; statusUrl: string };
      let status: { status: string; progress: Record<string, number> };
      do {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await (await fetch(`${url}${statusUrl}`, { headers })).json()) as typeof status;
      } while (status.status !== 'completed' && status.status !== 'failed');
      const total = performance.now() - started;

      // The chunk import alone: rows over the handler's own time, which each chunk job's output records.
      const timings = await readChunkTimings(service.pool, settings.queue.schema, batchId);
      const chunkRowsPerSecond = median(timings.map((t) => t.rows / (t.ms / 1000)));
      results.push({ check, post, total, chunkRowsPerSecond });
      const p = status.progress;
      console.log(
        `run ${run}: ${status.status} ${p.successes} successes, ${p.duplicates} duplicates, ${p.failures} failures in ${timings.length} chunks; ` +
          `check-rows ${check.toFixed(0)} ms, POST ${post.toFixed(0)} ms, POST→completed ${(total / 1000).toFixed(2)} s, ` +
          `${(ROWS / (total / 1000)).toFixed(0)} rows/s end to end, chunk import ${chunkRowsPerSecond.toFixed(0)} rows/s per worker`,
      );
    }

    const medianTotal = median(results.map((r) => r.total)) / 1000;
    const seedRowsPerSecond = 2000 / 170; // the seed's hand-run figure: 2,000 rows in ~170 s
    console.log('\nmedians over', RUNS, 'runs of', ROWS, 'rows');
    console.log(`  check-rows (dry run, same rows):   ${median(results.map((r) => r.check)).toFixed(0)} ms`);
    console.log(`  POST (validate + stage + enqueue): ${median(results.map((r) => r.post)).toFixed(0)} ms`);
    console.log(`  POST → completed:                  ${medianTotal.toFixed(2)} s`);
    console.log(`  end to end:                        ${(ROWS / medianTotal).toFixed(0)} rows/s`);
    console.log(
      `  chunk import, per worker:          ${median(results.map((r) => r.chunkRowsPerSecond)).toFixed(0)} rows/s (median chunk)`,
    );
    console.log(
      `  vs the seed (${seedRowsPerSecond.toFixed(1)} rows/s):         ${(ROWS / medianTotal / seedRowsPerSecond).toFixed(0)}x`,
    );
    console.log(`  peak RSS of this process:          ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
    console.log(`  machine: ${os.cpus().length} cores, node ${process.version}`);
  } finally {
    clearInterval(sampler);
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(settings.storage.localDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
