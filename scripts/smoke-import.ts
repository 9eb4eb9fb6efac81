/**
 * The end-to-end smoke test behind scripts/test-async-import.sh (SPEC 10): 2,000 rows (1,700 fresh,
 * 300 repeats of earlier keys) through a running server, from POST to downloaded reports.
 * Exits 0 when everything adds up, 1 with the mismatches otherwise.
 */
import { parse } from 'csv-parse/sync';
import jwt from 'jsonwebtoken';

const BASE_URL = (process.env.BASE_URL ?? 'http://localhost:1337').replace(/\/+$/, '');
const TOKEN_SALT = process.env.TOKEN_SALT;
const USER_ID = Number(process.env.SMOKE_USER_ID ?? '1');
const FRESH = 1700;
const DUPLICATES = 300;
const TIMEOUT_MS = Number(process.env.SMOKE_TIMEOUT_SECONDS ?? '300') * 1000;

interface JobStatus {
  status: string;
  progress: {
    totalRows: number;
    processedRows: number;
    successes: number;
    duplicates: number;
    failures: number;
    completedChunks: number;
    totalChunks: number;
  };
  result: null | {
    reportUrls: Record<'success' | 'duplicates' | 'failures', string | null>;
    summary: { successes: number; duplicates: number; failures: number };
    error?: string;
  };
}

function rows(): Record<string, string>[] {
  const run = `smoke-${Date.now().toString(36)}`;
  return Array.from({ length: FRESH + DUPLICATES }, (_, i) => {
    const key = i < FRESH ? i : (i - FRESH) * 5; // the 300 last rows repeat earlier keys
    return {
      id: `${run}-${key}`,
      'rdf:type': 'karstlink:UndergroundCavity',
      'dct:rights/cc:attributionName': 'Smoke Test Caving Club',
      'dct:rights/karstlink:licenseType': 'CC-BY-SA',
      'gn:countryCode': 'FR',
      'w3geo:latitude': (43 + (key % 300) / 100).toFixed(4),
      'w3geo:longitude': (1 + (key % 400) / 100).toFixed(4),
      'rdfs:label': `Smoke cave ${key}`,
      'rdfs:label/dc:language': 'fra',
    };
  });
}

async function main(): Promise<number> {
  if (!TOKEN_SALT) {
    console.error(
      "TOKEN_SALT is not set: it must be the server's TOKEN_SALT, to sign a token the server accepts.",
    );
    return 2;
  }
  const token = jwt.sign(
    { id: USER_ID, nickname: 'smoke-test', groups: [{ id: 1, name: 'Administrator' }] },
    TOKEN_SALT,
    {
      algorithm: 'HS256',
      expiresIn: '1h',
    },
  );
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const started = Date.now();
  const data = rows();
  const post = await fetch(`${BASE_URL}/api/v1/entrances/import-rows`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ data }),
  });
  const accepted = (await post.json()) as {
    batchId: string;
    totalRows: number;
    totalChunks: number;
    statusUrl: string;
    message?: string;
  };
  if (post.status !== 202) {
    console.error(
      `POST /api/v1/entrances/import-rows answered ${post.status}: ${accepted.message ?? JSON.stringify(accepted)}`,
    );
    return 1;
  }
  console.log(
    `Submitted ${accepted.totalRows} rows as batch ${accepted.batchId} in ${accepted.totalChunks} chunks`,
  );

  let status: JobStatus;
  for (;;) {
    const res = await fetch(`${BASE_URL}${accepted.statusUrl}`, { headers });
    status = (await res.json()) as JobStatus;
    if (res.status !== 200) {
      console.error(`\nGET ${accepted.statusUrl} answered ${res.status}: ${JSON.stringify(status)}`);
      return 1;
    }
    const p = status.progress;
    process.stdout.write(
      `\r  ${status.status.padEnd(11)} ${p.processedRows}/${p.totalRows} rows, ${p.completedChunks}/${p.totalChunks} chunks ` +
        `(${p.successes} successes, ${p.duplicates} duplicates, ${p.failures} failures)   `,
    );
    if (['completed', 'failed', 'cancelled'].includes(status.status)) break;
    if (Date.now() - started > TIMEOUT_MS) {
      console.error(`\nThe batch did not finish within ${TIMEOUT_MS / 1000} s`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write('\n');

  const problems: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) problems.push(`${what}: expected ${expected}, got ${actual}`);
  };
  expect('status', status.status, 'completed');
  if (status.result?.error) problems.push(`error: ${status.result.error}`);
  const summary = status.result?.summary;
  expect('successes', summary?.successes, FRESH);
  expect('duplicates', summary?.duplicates, DUPLICATES);
  expect('failures', summary?.failures, 0);

  const expectedRows = { success: FRESH, duplicates: DUPLICATES, failures: 0 } as const;
  for (const kind of ['success', 'duplicates', 'failures'] as const) {
    const url = status.result?.reportUrls[kind] ?? null;
    if (expectedRows[kind] === 0) {
      if (url !== null) problems.push(`${kind} report: expected no file, got ${url}`);
      continue;
    }
    if (!url) {
      problems.push(`${kind} report: no URL`);
      continue;
    }
    const res = await fetch(url);
    if (!res.ok) {
      problems.push(`${kind} report: download answered ${res.status}`);
      continue;
    }
    const records = parse(await res.text()) as string[][];
    expect(`${kind}.csv data rows`, records.length - 1, expectedRows[kind]);
    console.log(`  downloaded ${kind}.csv: ${records.length - 1} rows`);
  }

  console.log(
    `Batch ${accepted.batchId}: ${status.status} in ${seconds.toFixed(1)} s ` +
      `(${summary?.successes} successes, ${summary?.duplicates} duplicates, ${summary?.failures} failures)`,
  );
  if (problems.length) {
    console.error(`FAILED:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log('OK: everything adds up.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Smoke test failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
