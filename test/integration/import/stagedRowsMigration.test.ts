import assert from 'node:assert/strict';
import { runner } from 'node-pg-migrate';
import { MIGRATIONS_DIR, migrateDatabase } from '../../../api/lib/db/migrate';
import { emptyDatabase, queryDatabase } from '../../support/database';

const migrateDown = (databaseUrl: string) =>
  runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'down',
    migrationsTable: 'pgmigrations',
    count: 1,
    singleTransaction: true,
    log: () => {},
  });

describe('Import rows: migration 0016, staged rows as arrays of values', () => {
  it('turns the arrays back into objects on the way down, for the code before it', async () => {
    const url = await emptyDatabase();
    await migrateDatabase(url);
    const [{ latest }] = await queryDatabase<{ latest: string }>(
      url,
      'SELECT name AS latest FROM pgmigrations ORDER BY id DESC LIMIT 1',
    );
    assert.equal(latest, '0016_staged_cells', 'this test undoes the latest migration');
    const [{ caver }] = await queryDatabase<{ caver: number }>(
      url,
      "INSERT INTO t_caver (nickname) VALUES ('Someone') RETURNING id AS caver",
    );
    const batch = '0b6f3a52-3c1e-4f7a-9a51-6d0c2b8e4f10';
    await queryDatabase(
      url,
      `INSERT INTO t_job_batch (id, id_initiator, total_rows, chunk_size, total_chunks, columns)
       VALUES ($1, $2, 3, 3, 1, '["id", "rdfs:label", "__proto__"]')`,
      [batch, caver],
    );
    await queryDatabase(
      url,
      `INSERT INTO t_job_batch_row (id_job_batch, line, key_hash, cells) VALUES
         ($1, 2, 1, '["a", "Grotte", "p"]'), ($1, 3, 2, '["b", null]'), ($1, 4, 3, '{"id": "c"}')`,
      [batch],
    );
    await migrateDown(url);
    const rows = await queryDatabase<{ data: unknown }>(
      url,
      'SELECT data FROM t_job_batch_row WHERE id_job_batch = $1 ORDER BY line',
      [batch],
    );
    assert.deepEqual(
      rows.map((row) => row.data),
      [{ id: 'a', 'rdfs:label': 'Grotte', ['__proto__']: 'p' }, { id: 'b' }, { id: 'c' }],
    );
    await migrateDatabase(url);
    const [{ cells }] = await queryDatabase<{ cells: unknown }>(
      url,
      'SELECT cells FROM t_job_batch_row WHERE id_job_batch = $1 AND line = 3',
      [batch],
    );
    assert.deepEqual(
      cells,
      { id: 'b' },
      'back up, the objects stay objects, which the code reads as they are',
    );
  });
});
