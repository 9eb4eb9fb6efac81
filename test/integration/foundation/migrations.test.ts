import assert from 'node:assert/strict';
import { migrateDatabase } from '../../../api/lib/db/migrate';
import { LOCALE_BY_LANGUAGE } from '../../../api/lib/notifications/emailTemplates';
import { emptyDatabase, migratedDatabase, queryDatabase } from '../../support/database';

describe('Foundation: migrations', () => {
  it('build the schema and reference data from an empty database', async () => {
    const url = await emptyDatabase();
    const applied = await migrateDatabase(url);
    assert.ok(applied.length >= 6, `applied ${applied.join(', ')}`);
    const [counts] = await queryDatabase<Record<string, number>>(
      url,
      `SELECT (SELECT count(*)::int FROM t_group) AS groups,
              (SELECT count(*)::int FROM t_country) AS countries,
              (SELECT count(*)::int FROM t_language) AS languages,
              (SELECT count(*)::int FROM t_license) AS licenses,
              (SELECT name FROM t_notification_type WHERE id = 8) AS import_complete`,
    );
    assert.equal(counts.groups, 5);
    assert.ok(counts.countries >= 249, `${counts.countries} countries`);
    assert.ok(counts.languages > 7000, `${counts.languages} languages`);
    assert.equal(counts.licenses, 9);
    assert.equal(counts.import_complete, 'IMPORT_COMPLETE');
    const locales = Object.keys(LOCALE_BY_LANGUAGE);
    const found = await queryDatabase<{ id: string }>(url, 'SELECT id FROM t_language WHERE id = ANY($1)', [
      locales,
    ]);
    assert.equal(found.length, locales.length);
  });

  it('are idempotent and safe when several processes run them at once', async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    const total = results.reduce((sum, applied) => sum + applied.length, 0);
    const [{ count }] = await queryDatabase<{ count: number }>(
      url,
      'SELECT count(*)::int AS count FROM pgmigrations',
    );
    assert.equal(total, count, 'each migration applied exactly once across the processes');
    assert.deepEqual(await migrateDatabase(url), []);
  });

  it('enforce the batch status CHECK and the unique import key of non-deleted entrances', async () => {
    const url = await migratedDatabase();
    await queryDatabase(url, "INSERT INTO t_caver (nickname) VALUES ('someone')");
    await assert.rejects(
      queryDatabase(
        url,
        "INSERT INTO t_job_batch (id, status, id_initiator, total_rows, chunk_size, total_chunks) VALUES (gen_random_uuid(), 'bogus', 1, 1, 1, 1)",
      ),
      /t_job_batch_status_check/,
    );
    const insert =
      "INSERT INTO t_entrance (id_db_import, name_db_import, is_deleted) VALUES ('1', 'Club', $1)";
    await queryDatabase(url, insert, [false]);
    await assert.rejects(queryDatabase(url, insert, [false]), /t_entrance_import_key/);
    await queryDatabase(url, insert, [true]);
  });
});
