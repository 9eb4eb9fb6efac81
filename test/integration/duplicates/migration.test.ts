import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { runner } from 'node-pg-migrate';
import { MIGRATIONS_DIR, migrateDatabase } from '../../../api/lib/db/migrate';
import { emptyDatabase, queryDatabase } from '../../support/database';

describe('Entrance duplicates: migration 0008 converts contents of the old shape', () => {
  it('rewrites old rows into { entrance, nameDescLoc } and leaves converted ones alone', async () => {
    const url = await emptyDatabase();
    const before = readdirSync(MIGRATIONS_DIR)
      .filter((file) => file.endsWith('.sql'))
      .sort()
      .findIndex((file) => file.startsWith('0008_'));
    await runner({
      databaseUrl: url,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: before,
      singleTransaction: true,
      log: () => {},
    });
    const [{ known }] = await queryDatabase<{ known: number }>(
      url,
      "INSERT INTO t_caver (nickname) VALUES ('Old Author') RETURNING id AS known",
    );
    const batch = '6e5f37de-8a2c-4a0f-9d8e-3b1c2f4a5d6e';
    await queryDatabase(
      url,
      `INSERT INTO t_job_batch (id, id_initiator, total_rows, chunk_size, total_chunks) VALUES ($1, $2, 3, 3, 1)`,
      [batch, known],
    );
    const [{ cave }] = await queryDatabase<{ cave: number }>(
      url,
      'INSERT INTO t_cave DEFAULT VALUES RETURNING id AS cave',
    );
    const [{ entrance }] = await queryDatabase<{ entrance: number }>(
      url,
      `INSERT INTO t_entrance (id_cave, id_db_import, name_db_import) VALUES ($1, 'old-1', 'Club') RETURNING id AS entrance`,
      [cave],
    );
    const full = {
      line: 7,
      key: 'old-1|||Club',
      idDbImport: 'old-1',
      nameDbImport: 'Club',
      author: 'Old Author',
      country: 'FR',
      latitude: 45.1,
      longitude: 5.2,
      altitude: 1200,
      precision: 10,
      dateInscription: '2023-05-06',
      dateReviewed: '2023-07-08',
      licenseId: 1,
      name: { text: 'Grotte Vieille', language: 'fra' },
      nameLanguage: 'fra',
      alternateName: 'La Vieille',
      caveLength: 350,
      caveDepth: 120,
      description: { title: 'Titre', body: 'Corps', language: 'fra', author: 'Old Author' },
      location: { body: 'Accès', language: 'fra', author: 'Unknown Guide' },
    };
    const bare = {
      ...full,
      line: 8,
      dateInscription: null,
      dateReviewed: null,
      name: null,
      alternateName: null,
      caveLength: null,
      caveDepth: null,
      description: null,
      location: null,
    };
    const converted = { entrance: { idDbImport: 'new' }, nameDescLoc: {} };
    const insert = `INSERT INTO t_entrance_duplicate (content, id_entrance, id_author, id_job_batch, date_inscription)
                    VALUES ($1, $2, $3, $4, $5) RETURNING id`;
    const recorded = '2023-01-02T03:04:05.678Z';
    const ids: number[] = [];
    for (const content of [full, bare, converted]) {
      const [{ id }] = await queryDatabase<{ id: number }>(url, insert, [
        content,
        entrance,
        known,
        batch,
        recorded,
      ]);
      ids.push(id);
    }

    const applied = await migrateDatabase(url);
    assert.ok(
      applied.some((name) => name.startsWith('0008_')),
      applied.join(', '),
    );
    const rows = await queryDatabase<{ id: number; line: number | null; content: unknown }>(
      url,
      'SELECT id, line, content FROM t_entrance_duplicate ORDER BY id',
    );
    const by = (author: number | null, nickname: string) => ({ author, authorNickname: nickname });
    const day = '2023-05-06T00:00:00.000Z';
    assert.deepEqual(rows[0], {
      id: ids[0],
      line: 7,
      content: {
        entrance: {
          ...by(known, 'Old Author'),
          country: 'FR',
          precision: 10,
          altitude: 1200,
          latitude: 45.1,
          longitude: 5.2,
          cave,
          dateInscription: day,
          dateReviewed: '2023-07-08T00:00:00.000Z',
          isOfInterest: false,
          idDbImport: 'old-1',
          nameDbImport: 'Club',
          geology: 'Q35758',
          caveLength: 350,
          caveDepth: 120,
        },
        nameDescLoc: {
          name: { ...by(known, 'Old Author'), text: 'Grotte Vieille', language: 'fra', dateInscription: day },
          description: {
            ...by(known, 'Old Author'),
            title: 'Titre',
            body: 'Corps',
            language: 'fra',
            dateInscription: day,
            license: 1,
          },
          location: {
            ...by(null, 'Unknown Guide'),
            title: null,
            body: 'Accès',
            language: 'fra',
            dateInscription: day,
            license: 1,
          },
          alternateName: {
            ...by(known, 'Old Author'),
            text: 'La Vieille',
            language: 'fra',
            dateInscription: day,
          },
        },
      },
    });
    assert.deepEqual(rows[1], {
      id: ids[1],
      line: 8,
      content: {
        entrance: {
          ...by(known, 'Old Author'),
          country: 'FR',
          precision: 10,
          altitude: 1200,
          latitude: 45.1,
          longitude: 5.2,
          cave,
          dateInscription: recorded,
          dateReviewed: null,
          isOfInterest: false,
          idDbImport: 'old-1',
          nameDbImport: 'Club',
          geology: 'Q35758',
          caveLength: null,
          caveDepth: null,
        },
        nameDescLoc: {},
      },
    });
    assert.deepEqual(rows[2], { id: ids[2], line: null, content: converted });
    await assert.rejects(
      queryDatabase(url, 'INSERT INTO t_entrance_duplicate (content, id_entrance) VALUES ($1, $2)', [
        { line: 1 },
        entrance,
      ]),
      /t_entrance_duplicate_content_shape/,
    );
  });
});
