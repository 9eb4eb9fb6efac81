import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { JobStatus } from '../../../api/lib/http/views/jobStatus';
import { outcomesOf } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

/**
 * SPEC 14: no request or row blocks the event loop for more than ~50 ms. Measured on this thread's CPU
 * time, which also holds the test's own client and the garbage collector's pauses (a major collection
 * lands in whichever turn it interrupts): 60 ms keeps "~50" without failing on a collection.
 */
const MAX_DELAY_MS = 60;
const BIG = 400_000;
const MAX_COLUMNS = 2000;

/** Stands for a value nested 50,000 arrays deep (a NUL at the bottom), spliced into the body as text. */
const NESTED = '\u0001nested\u0001';
const NESTED_JSON = `${'['.repeat(50_000)}"a\\u0000b"${']'.repeat(50_000)}`;

/** Rows a hostile or careless admin sends: each must fail with a message, none may hold the loop. */
function hostileRows(): Record<string, unknown>[] {
  const row = (overrides: Record<string, unknown>) => ({ ...entranceRow(), ...overrides });
  return [
    row({ 'w3geo:latitude': `${'4'.repeat(BIG)}x` }), // a long run of digits, then a letter
    row({ 'w3geo:longitude': `-${'1'.repeat(BIG)}e` }),
    row({ 'w3geo:altitude': `+${'9'.repeat(BIG)}z`, 'karstlink:length': `${'1'.repeat(BIG)}.` }),
    row({ 'dwc:coordinatePrecision': `${'5'.repeat(BIG)}` }),
    row({ 'rdfs:label': 'Grotte '.repeat(BIG / 7) }), // free text
    row({ 'gn:alternateName': `-${'7'.repeat(BIG)}q` }), // free text that looks like a formula
    row({
      'gn:countryCode': 'ZZ', // fails, so failures.csv writes the formula-like 400 kB cells below
      'karstlink:hasDescriptionDocument/dct:title': `=${'1'.repeat(BIG)}a`,
      'karstlink:hasDescriptionDocument/dct:description': `+${'2'.repeat(BIG)}b`,
      'karstlink:hasDescriptionDocument/dct:creator': `@${'3'.repeat(BIG)}c`,
      'karstlink:hasDescriptionDocument/dc:language': 'fra',
    }),
    row({ id: 'x'.repeat(BIG) }),
    // Two megabytes of JSON, in characters every writer must escape: a quote (doubled in
    // failures.csv) and a backslash (escaped in JSON, then again for COPY).
    row({ 'gn:countryCode': 'ZX', notes: '"'.repeat(1_000_000) }),
    row({ 'gn:countryCode': 'ZW', notes: '\\'.repeat(1_000_000) }),
    row({ 'rdfs:label': { toString: 1 } }), // objects and arrays as cells
    row({ 'w3geo:latitude': [45.5] }),
    row({ id: {} }),
    row({ notes: NESTED }), // deep nesting, a NUL inside
    row({ 'rdfs:label': ['a\u0000b'] }),
    row({ 'gn:countryCode': 'Z\u0000' }), // a NUL in a plain cell
    // Columns named like Object properties, missing from the rows around them.
    row({
      'gn:countryCode': 'ZY',
      constructor: 'c',
      toString: 't',
      valueOf: 'v',
      hasOwnProperty: 'h',
      ['__proto__']: 'p',
    }),
  ];
}

interface Stall {
  ms: number;
  cpuMs: number;
  /** Of that CPU time, the garbage collector's pauses: measured, and judged apart (see below). */
  gcMs: number;
  phase: string;
  endUs: number;
}

/**
 * Each stall of this thread's event loop over 20 ms, with the CPU time the thread spent in it (the
 * rest: the machine gave the core to another process), the garbage collector's pauses within it, and
 * what the test was doing. `endUs` is on the monotonic clock of `node --cpu-prof` profiles.
 *
 * The collector's pauses are judged apart: the service runs inside this test process, whose heap
 * holds the whole suite's leftovers, and a full collection of it can take 150 ms where the service's
 * own process would not. A full collection runs first, so the measured window starts clean.
 */
function watchStalls(phase: () => string): Stall[] & { stop(): void } {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  const pauses: { start: number; end: number }[] = [];
  const collector = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  collector.observe({ entryTypes: ['gc'] });
  const gcWithin = (start: number, end: number) =>
    pauses.reduce(
      (sum, pause) => sum + Math.max(0, Math.min(end, pause.end) - Math.max(start, pause.start)),
      0,
    );
  const stalls: (Stall & { start: number; end: number })[] = [];
  let last = performance.now();
  let lastCpu = process.threadCpuUsage();
  const sampler = setInterval(() => {
    const now = performance.now();
    const cpu = process.threadCpuUsage(lastCpu);
    const ms = Math.round(now - last - 5);
    if (ms > 20) {
      const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
      const endUs = Number(process.hrtime.bigint() / 1000n);
      stalls.push({ ms, cpuMs, gcMs: 0, phase: phase(), endUs, start: last, end: now });
    }
    last = now;
    lastCpu = process.threadCpuUsage();
  }, 5);
  return Object.assign(stalls, {
    stop: () => {
      clearInterval(sampler);
      for (const entry of collector.takeRecords()) {
        pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
      }
      collector.disconnect();
      for (const stall of stalls) stall.gcMs = Math.round(gcWithin(stall.start, stall.end));
    },
  });
}

/** The CPU time of a stall that was the service's own computing, not the collector's. */
const computed = (stall: Stall) => Math.max(0, stall.cpuMs - stall.gcMs);

/**
 * A request through node:http, the body written as it is and the answer kept as bytes: fetch would
 * copy the body and the client's own decoding would count in the test process's measurement.
 */
function request(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: Buffer,
  type = 'application/json',
) {
  return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { Authorization: `Bearer ${token}` };
    if (body) Object.assign(headers, { 'Content-Type': type, 'Content-Length': body.length });
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Faults: event-loop delay while a hostile batch and a large check-rows run', () => {
  const suite = useTestService({
    settings: { import: { chunkSize: 500, maxColumns: MAX_COLUMNS } },
    env: { LOG_LEVEL: 'silent' },
  });

  it(`never computes for ${MAX_DELAY_MS} ms in one turn of the event loop`, async function () {
    this.timeout(300_000);
    const { app, admin } = suite;
    const hostile = hostileRows();
    const plainFailures = Array.from({ length: 2000 }, () => entranceRow({ 'gn:countryCode': 'ZZ' }));
    const valid = Array.from({ length: 300 }, () => entranceRow());
    // Thousands of columns, up to the limit, on 100 failing rows: failures.csv repeats every column of
    // the batch on each of its ~2,100 failure rows (≈ 4 million cells).
    const named = new Set([...hostile, ...plainFailures, ...valid].flatMap((r) => Object.keys(r)));
    const extra = Array.from({ length: MAX_COLUMNS - named.size }, (_, i) => `wide-${i}`);
    const wide = Array.from({ length: 100 }, () => ({
      ...entranceRow({ 'gn:countryCode': 'ZZ' }),
      ...Object.fromEntries(extra.map((column) => [column, 'x'])),
    }));
    const importRows = [...valid, ...hostile, ...wide, ...plainFailures];
    const importBody = Buffer.from(
      JSON.stringify({ data: importRows }).replace(JSON.stringify(NESTED), NESTED_JSON),
    );
    const checkBody = Buffer.from(
      JSON.stringify({ data: Array.from({ length: 20_000 }, () => entranceRow()) }),
    );
    const post = (path: string, body: Buffer) =>
      request(app.url, 'POST', `/api/v1/entrances/${path}`, admin.token, body);

    // What the test process was doing at each long delay: the service runs in it.
    let phase = 'idle';
    const stalls = watchStalls(() => phase);
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    let batchId: string;
    let checked: Buffer;
    let failuresCsv: Buffer;
    try {
      phase = 'import-rows request';
      const accepted = await post('import-rows', importBody);
      assert.equal(accepted.status, 202, accepted.body.toString());
      batchId = (JSON.parse(accepted.body.toString()) as { batchId: string }).batchId;
      phase = 'batch running';
      const checking = post('check-rows', checkBody).then((res) => {
        phase = phase === 'batch running' ? 'check-rows done, batch running' : phase;
        return res;
      });
      // The front end's poll, every half second.
      let status: JobStatus;
      for (;;) {
        const res = await request(app.url, 'GET', `/api/v1/jobs/${batchId}`, admin.token);
        status = JSON.parse(res.body.toString()) as JobStatus;
        if (status.status === 'completed' || status.status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      phase = 'batch done';
      const check = await checking;
      assert.equal(check.status, 200, check.body.toString().slice(0, 300));
      checked = check.body;
      assert.equal(status.status, 'completed');
      phase = 'reading reports';
      const failures = await request(status.result!.reportUrls.failures!, 'GET', '', admin.token);
      assert.equal(failures.status, 200);
      failuresCsv = failures.body;
    } finally {
      histogram.disable();
      stalls.stop();
    }

    const worst = histogram.max / 1e6;
    if (process.env.EVENT_LOOP_STALLS_FILE)
      writeFileSync(process.env.EVENT_LOOP_STALLS_FILE, JSON.stringify(stalls));
    const top = stalls.sort((a, b) => b.ms - a.ms).slice(0, 8);
    console.log(
      `      bodies: import-rows ${(importBody.length / 1e6).toFixed(1)} MB (${importRows.length} rows), check-rows ${(checkBody.length / 1e6).toFixed(1)} MB (20,000 rows); failures.csv ${(failuresCsv.length / 1e6).toFixed(1)} MB` +
        `\n      event-loop delay: max ${worst.toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, mean ${(histogram.mean / 1e6).toFixed(1)} ms` +
        `\n      longest stalls: ${top.map((s) => `${s.ms} ms, ${s.cpuMs} ms CPU of which ${s.gcMs} ms collecting (${s.phase})`).join(', ') || 'none over 20 ms'}`,
    );

    // The work itself, checked once the measurement is over.
    const outcomes = await outcomesOf(app, batchId);
    assert.equal(outcomes.length, importRows.length);
    assert.ok(outcomes.every((o) => o.outcome !== null));
    const byLine = (line: number) => outcomes[line - 2];
    assert.deepEqual(
      outcomes.slice(0, valid.length).filter((o) => o.outcome !== 'success'),
      [],
      'every valid row imported',
    );
    hostile.forEach((_, i) => {
      const outcome = byLine(valid.length + i + 2);
      assert.equal(outcome.outcome, 'failure', `hostile row ${i}: ${JSON.stringify(outcome)}`);
      assert.ok(outcome.message && outcome.message.length < 500, `hostile row ${i} has a short message`);
    });
    assert.doesNotMatch(failuresCsv.toString(), /native code/, 'prototype-named columns are plain columns');
    const check = JSON.parse(checked.toString()) as { willBeCreated: unknown[]; wontBeCreated: unknown[] };
    assert.equal(check.willBeCreated.length, 20_000);

    // Judged on this thread's own CPU time in each stall, not the wall clock: on a shared machine the
    // core may go to another process mid-turn, which says nothing about our code. A turn of the event
    // loop that computes for MAX_DELAY_MS shows here whatever the machine does.
    const worstCpu = Math.max(0, ...stalls.map(computed));
    assert.ok(
      worstCpu < MAX_DELAY_MS,
      `the event loop computed for ${worstCpu} ms in one turn (wall-clock delay at worst ${worst.toFixed(1)} ms)`,
    );
  });

  it(`refuses or checks hostile bodies without computing for ${MAX_DELAY_MS} ms in one turn`, async function () {
    this.timeout(300_000);
    const { app, admin } = suite;
    const MB = 1024 * 1024;
    const row = JSON.stringify(entranceRow());
    const columns = Object.keys(entranceRow());
    const csvLine = Object.values(entranceRow()).join(',');
    const json = (rowText: string) => Buffer.from(`{"data":[${row},${rowText}]}`);
    const manyKeys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;
    const bodies: [string, Buffer, string, number][] = [
      ['JSON row of a million keys', json(manyKeys(1_000_000)), 'application/json', 400],
      [
        'JSON cell of five million numbers',
        json(`{"list":[${'1,'.repeat(5_000_000)}1]}`),
        'application/json',
        400,
      ],
      ['JSON row of 20 MB', json(`{"long":"${'x'.repeat(20 * MB)}"}`), 'application/json', 400],
      ['JSON cell of 3.5 MB', json(`{"id":"big","long":"${'x'.repeat(3.5 * MB)}"}`), 'application/json', 200],
      [
        'CSV header of a million columns',
        Buffer.from(`${'c,'.repeat(1_000_000)}c\n${csvLine}\n`),
        'text/csv',
        400,
      ],
      [
        'CSV header of millions of columns after a quoted megabyte',
        Buffer.from(`"${'q'.repeat(1_100_000)}"${','.repeat(7_000_000)}\n${csvLine}\n`),
        'text/csv',
        400,
      ],
      [
        'CSV blank line of eight million cells',
        Buffer.from(`${columns.join(',')}\n${csvLine}\n${','.repeat(8_000_000)}\n`),
        'text/csv',
        400,
      ],
      [
        'CSV row of a million cells',
        Buffer.from(`${columns.join(',')}\n${csvLine}\n${'x,'.repeat(1_000_000)}x\n`),
        'text/csv',
        400,
      ],
      [
        'CSV cell of 3.5 MB',
        Buffer.from(`${columns.join(',')},long\n${csvLine},${'z'.repeat(3.5 * MB)}\n`),
        'text/csv',
        200,
      ],
    ];
    let phase = 'idle';
    const stalls = watchStalls(() => phase);
    const answers: [string, number, string][] = [];
    try {
      for (const [name, body, type] of bodies) {
        phase = name;
        const res = await request(
          app.url,
          'POST',
          '/api/v1/entrances/check-rows?summary=true',
          admin.token,
          body,
          type,
        );
        answers.push([name, res.status, res.body.toString().slice(0, 200)]);
      }
    } finally {
      stalls.stop();
    }
    const top = stalls.sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 5);
    console.log(
      `      longest stalls: ${top.map((s) => `${s.ms} ms, ${s.cpuMs} ms CPU of which ${s.gcMs} ms collecting (${s.phase})`).join(', ') || 'none over 20 ms'}`,
    );
    assert.deepEqual(
      answers.map(([name, status]) => [name, status]),
      bodies.map(([name, , , status]) => [name, status]),
      JSON.stringify(answers),
    );
    const worstCpu = Math.max(0, ...stalls.map(computed));
    assert.ok(
      worstCpu < MAX_DELAY_MS,
      `the event loop computed for ${worstCpu} ms in one turn: ${JSON.stringify(top)}`,
    );
  });
});
