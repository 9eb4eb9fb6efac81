import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { runner } from 'node-pg-migrate';
import { MIGRATIONS_DIR, migrateDatabase } from '../../../api/lib/db/migrate';
import { emptyDatabase, queryDatabase } from '../../support/database';
import { importAndWait, outcomesOf } from '../../support/imports';
import { download } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import { type TestUser, useTestService } from '../../support/testService';

const LIST = '/api/v1/entrance-duplicates';
const fromDuplicate = (id: number | string) => `/api/v1/entrances/from-duplicate/${id}`;

/** A row that names a description and an access document, with their creators. */
function documented(overrides: Record<string, string>, descriptionBy: string, accessBy: string) {
  return entranceRow({
    'karstlink:hasDescriptionDocument/dct:title': 'Notes',
    'karstlink:hasDescriptionDocument/dct:description': 'A wide shaft.',
    'karstlink:hasDescriptionDocument/dc:language': 'eng',
    'karstlink:hasDescriptionDocument/dct:creator': descriptionBy,
    'karstlink:hasAccessDocument/dct:description': 'Follow the stream.',
    'karstlink:hasAccessDocument/dc:language': 'fra',
    'karstlink:hasAccessDocument/dct:creator': accessBy,
    ...overrides,
  });
}

describe('Entrance duplicates', () => {
  const suite = useTestService();
  let moderator: TestUser;
  let user: TestUser;

  before(async () => {
    moderator = await suite.app.createUser({ group: 'Moderator' });
    user = await suite.app.createUser({ group: 'User' });
  });

  const get = (path: string, who?: TestUser) => {
    const req = suite.app.http().get(path);
    return who ? req.set('Authorization', `Bearer ${who.token}`) : req;
  };
  const del = (path: string, who?: TestUser) => {
    const req = suite.app.http().delete(path);
    return who ? req.set('Authorization', `Bearer ${who.token}`) : req;
  };
  const post = (path: string, who?: TestUser) => {
    const req = suite.app.http().post(path);
    return who ? req.set('Authorization', `Bearer ${who.token}`) : req;
  };

  /** Imports `original`, then `duplicates` of it; returns the second batch and its duplicates' rows. */
  async function importDuplicates(original: object, duplicates: object[]) {
    const first = await importAndWait(suite.app, suite.admin, [original]);
    const [{ id_entrance: existing, id_cave: existingCave }] = await outcomesOf(suite.app, first.batchId);
    const status = await importAndWait(suite.app, suite.admin, duplicates);
    const rows = await suite.app.query(
      'SELECT id, content, id_entrance, id_author, line FROM t_entrance_duplicate WHERE id_job_batch = $1 ORDER BY line',
      [status.batchId],
    );
    return { status, rows, existing: existing as number, existingCave: existingCave as number };
  }

  const caverId = async (nickname: string): Promise<number | undefined> =>
    (await suite.app.query('SELECT id FROM t_caver WHERE nickname = $1', [nickname]))[0]?.id;

  describe('content', () => {
    it("stores Grottocenter's { entrance, nameDescLoc } with the author's id when the caver exists", async () => {
      // An earlier import created the caver "Known Describer".
      await importAndWait(suite.app, suite.admin, [documented({}, 'Known Describer', 'Known Describer')]);
      const knownId = await caverId('Known Describer');
      assert.ok(knownId);

      const original = entranceRow({ id: 'content-1', 'rdfs:label': 'Original' });
      const described = documented(
        {
          id: 'content-1',
          'rdfs:label': 'Second Name',
          'gn:alternateName': 'Alt Name',
          'dct:rights/dct:modified': '2024-06-07',
        },
        'https://example.org/cavers#Known_Describer',
        'Access Stranger',
      );
      const { status, rows, existing, existingCave } = await importDuplicates(original, [described]);
      assert.deepEqual(status.result?.summary, { successes: 0, duplicates: 1, failures: 0 });
      const [duplicate] = rows;
      assert.equal(duplicate.id_entrance, existing);
      assert.equal(duplicate.id_author, suite.admin.id, 'the duplicate is the importer’s');
      assert.equal(duplicate.line, 2);
      const license = (await suite.app.query("SELECT id FROM t_license WHERE name = 'CC-BY-SA'"))[0].id;
      const date = '2024-03-01T00:00:00.000Z';
      assert.deepEqual(duplicate.content, {
        entrance: {
          author: knownId,
          authorNickname: 'Known Describer',
          country: 'FR',
          precision: 10,
          altitude: 1200,
          latitude: 45.123456,
          longitude: 5.654321,
          cave: existingCave,
          dateInscription: date,
          dateReviewed: '2024-06-07T00:00:00.000Z',
          isOfInterest: false,
          idDbImport: 'content-1',
          nameDbImport: 'Test Caving Club',
          geology: 'Q35758',
          caveLength: 350,
          caveDepth: 120,
        },
        nameDescLoc: {
          name: {
            author: knownId,
            authorNickname: 'Known Describer',
            text: 'Second Name',
            language: 'fra',
            dateInscription: date,
          },
          description: {
            author: knownId,
            authorNickname: 'Known Describer',
            title: 'Notes',
            body: 'A wide shaft.',
            language: 'eng',
            dateInscription: date,
            license,
          },
          location: {
            author: null,
            authorNickname: 'Access Stranger',
            title: null,
            body: 'Follow the stream.',
            language: 'fra',
            dateInscription: date,
            license,
          },
          alternateName: {
            author: knownId,
            authorNickname: 'Known Describer',
            text: 'Alt Name',
            language: 'fra',
            dateInscription: date,
          },
        },
      });
      assert.equal(await caverId('Access Stranger'), undefined, 'no author created for a duplicate');
    });

    it('leaves out the absent parts, and dates a row without dct:created by its import', async () => {
      const original = entranceRow({ id: 'content-2' });
      const bare = entranceRow({
        id: 'content-2',
        'rdfs:label': undefined,
        'dct:rights/dct:created': undefined,
      });
      const before = new Date();
      const { rows } = await importDuplicates(original, [bare]);
      const after = new Date();
      const { entrance, nameDescLoc } = rows[0].content;
      assert.deepEqual(nameDescLoc, {});
      // No description creator: the attribution name is the author, a caver the first import created.
      assert.equal(entrance.authorNickname, 'Test Caving Club');
      assert.equal(entrance.author, await caverId('Test Caving Club'));
      assert.equal(entrance.dateReviewed, null);
      const dated = new Date(entrance.dateInscription);
      assert.ok(dated >= new Date(before.getTime() - 1000) && dated <= after, entrance.dateInscription);
    });

    it('says where to review them: duplicatesUrl in the job body and duplicateId in duplicates.csv', async () => {
      const original = entranceRow({ id: 'review-1' });
      const { status, rows } = await importDuplicates(original, [entranceRow(), { ...original }]);
      assert.equal(status.duplicatesUrl, `/api/v1/entrance-duplicates?batchId=${status.batchId}`);
      const job = await get(`/api/v1/jobs/${status.batchId}`, suite.admin);
      assert.equal(job.body.duplicatesUrl, status.duplicatesUrl, 'as the contract documents it');
      const clean = await importAndWait(suite.app, suite.admin, [entranceRow()]);
      assert.equal(clean.duplicatesUrl, undefined);

      const report = await download(status.result!.reportUrls.duplicates!);
      assert.deepEqual(report.rows[0], [
        'line',
        'id',
        'attributionName',
        'entranceId',
        'message',
        'duplicateId',
      ]);
      assert.deepEqual(
        report.rows.slice(1).map((r) => [r[0], r[5]]),
        [['3', String(rows[0].id)]],
      );
      const listed = await get(status.duplicatesUrl!, user);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.duplicates.map((d: { id: number }) => d.id),
        [rows[0].id],
      );
    });
  });

  describe('list', () => {
    let batchId: string;
    let ids: number[];

    before(async () => {
      const original = entranceRow({ id: 'list-1' });
      const { status, rows } = await importDuplicates(
        original,
        Array.from({ length: 55 }, (_, i) => ({ ...original, 'rdfs:label': `Copy ${i}` })),
      );
      batchId = status.batchId;
      ids = rows.map((row) => row.id);
      assert.equal(ids.length, 55);
    });

    it("answers Grottocenter's shape, 50 at most, with 206 and Content-Range when more exist", async () => {
      const res = await get(`${LIST}?batchId=${batchId}`, user);
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-range'], '0-49/55');
      assert.equal(res.body.duplicates.length, 50);
      const [first] = res.body.duplicates;
      assert.deepEqual(Object.keys(first).sort(), [
        'author',
        'batchId',
        'content',
        'dateInscription',
        'entrance',
        'id',
        'line',
      ]);
      assert.equal(first.id, ids[0], 'oldest first by default');
      assert.equal(first.batchId, batchId);
      const [admin] = await suite.app.query('SELECT nickname FROM t_caver WHERE id = $1', [suite.admin.id]);
      assert.deepEqual(first.author, { id: suite.admin.id, nickname: admin.nickname });
      assert.equal(typeof first.entrance, 'number');
      assert.equal(first.content.entrance.idDbImport, 'list-1');

      const last = await get(`${LIST}?batchId=${batchId}&limit=10&skip=50`, user);
      assert.equal(last.status, 206);
      assert.equal(last.headers['content-range'], '50-54/55');
      assert.deepEqual(
        last.body.duplicates.map((d: { id: number }) => d.id),
        ids.slice(50),
      );
      const lowered = await get(`${LIST}?batchId=${batchId}&limit=500`, user);
      assert.equal(lowered.body.duplicates.length, 50, 'a larger limit is lowered to 50');
    });

    it('sorts by id, descending, and narrows to one import with batchId (200 when the page holds them all)', async () => {
      const res = await get(`${LIST}?batchId=${batchId}&limit=50&skip=0&sortBy=id&orderBy=desc`, moderator);
      assert.equal(res.status, 206);
      assert.deepEqual(
        res.body.duplicates.map((d: { id: number }) => d.id),
        [...ids].reverse().slice(0, 50),
      );
      const none = await get(`${LIST}?batchId=00000000-0000-4000-8000-000000000000`, user);
      assert.equal(none.status, 200);
      assert.deepEqual(none.body, { duplicates: [] });
      const all = await get(LIST, user);
      assert.ok([200, 206].includes(all.status));
      assert.ok(all.body.duplicates.length > 0);
    });

    it('sorts by any documented key, and refuses other sortBy, orderBy and batchId values with 400', async () => {
      for (const sortBy of ['id', 'dateInscription', 'entrance', 'author', 'batchId']) {
        const res = await get(`${LIST}?sortBy=${sortBy}&orderBy=ASC&limit=5`, user);
        assert.ok([200, 206].includes(res.status), `${sortBy}: ${res.status}`);
      }
      const bad: [string, string][] = [
        ['sortBy=content', 'sortBy must be one of: id, dateInscription, entrance, author, batchId.'],
        [
          'sortBy=id;DROP TABLE t_entrance',
          'sortBy must be one of: id, dateInscription, entrance, author, batchId.',
        ],
        ['orderBy=sideways', 'orderBy must be ASC or DESC.'],
        ['batchId=nope', 'batchId must be a UUID.'],
        ['limit=-1', 'limit must be a positive integer.'],
        ['skip=x', 'skip must be a non-negative integer.'],
      ];
      for (const [query, message] of bad) {
        const [name, value] = query.split('=');
        const res = await get(`${LIST}?${name}=${encodeURIComponent(value)}`, user);
        assert.equal(res.status, 400, query);
        assert.deepEqual(res.body, { message }, query);
      }
    });

    it('answers 401 without a token', async () => {
      const res = await get(LIST);
      assert.equal(res.status, 401);
      assert.ok(res.body.message);
    });
  });

  describe('read one', () => {
    it('gives one duplicate with the existing entrance to compare it with', async () => {
      const original = documented(
        { id: 'one-1', 'rdfs:label': 'Grotte Existante' },
        'First Describer',
        'First Guide',
      );
      const { rows, existing, existingCave } = await importDuplicates(original, [
        { ...original, 'rdfs:label': 'Grotte Nouvelle' },
      ]);
      const res = await get(`${LIST}/${rows[0].id}`, user);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, rows[0].id);
      assert.deepEqual(res.body.content, rows[0].content);
      const { entrance } = res.body;
      assert.equal(entrance.id, existing);
      assert.deepEqual(
        entrance.names.map((n: { name: string; isMain: boolean }) => [n.name, n.isMain]),
        [['Grotte Existante', true]],
      );
      assert.equal(entrance.country, 'FR');
      assert.equal(entrance.latitude, 45.123456);
      assert.equal(entrance.longitude, 5.654321);
      assert.deepEqual(entrance.author, {
        id: await caverId('First Describer'),
        nickname: 'First Describer',
      });
      assert.equal(entrance.idDbImport, 'one-1');
      assert.equal(entrance.nameDbImport, 'Test Caving Club');
      assert.equal(entrance.isDeleted, false);
      assert.deepEqual(
        entrance.descriptions.map((d: { title: string }) => d.title),
        ['Notes'],
      );
      assert.deepEqual(
        entrance.locations.map((l: { body: string }) => l.body),
        ['Follow the stream.'],
      );
      assert.equal(entrance.cave.id, existingCave);
      assert.deepEqual(entrance.cave.names[0].name, 'Grotte Existante');
      assert.deepEqual([entrance.cave.length, entrance.cave.depth], [350, 120]);
    });

    it('answers 404 for an unknown or malformed id, and 401 without a token', async () => {
      for (const id of ['999999', 'abc', '0', '1.5', '99999999999']) {
        const res = await get(`${LIST}/${id}`, user);
        assert.equal(res.status, 404, id);
        assert.deepEqual(res.body, { message: `Could not find duplicate with id ${id}.` });
      }
      assert.equal((await get(`${LIST}/1`)).status, 401);
    });
  });

  describe('delete', () => {
    async function threeDuplicates(key: string): Promise<number[]> {
      const original = entranceRow({ id: key });
      const { rows } = await importDuplicates(original, [{ ...original }, { ...original }, { ...original }]);
      return rows.map((row) => row.id);
    }
    const remaining = async (ids: number[]) =>
      (
        await suite.app.query('SELECT id FROM t_entrance_duplicate WHERE id = ANY($1) ORDER BY id', [ids])
      ).map((row) => row.id);

    it('deletes one for a Moderator or an Administrator: 204, then 404', async () => {
      const [a, b] = await threeDuplicates('delete-one');
      const forbidden = await del(`${LIST}/${a}`, user);
      assert.equal(forbidden.status, 403);
      assert.deepEqual(forbidden.body, {
        message: 'You are not authorized to delete an entrance duplicate.',
      });
      assert.deepEqual(await remaining([a]), [a]);

      const res = await del(`${LIST}/${a}`, moderator);
      assert.equal(res.status, 204);
      assert.deepEqual(await remaining([a]), []);
      assert.equal((await del(`${LIST}/${b}`, suite.admin)).status, 204);

      const again = await del(`${LIST}/${a}`, moderator);
      assert.equal(again.status, 404);
      assert.deepEqual(again.body, { message: `Could not find duplicate with id ${a}.` });
      assert.equal((await del(`${LIST}/not-an-id`, moderator)).status, 404);
      assert.equal((await del(`${LIST}/${a}`)).status, 401);
    });

    it('deletes several, all or none: one unknown or malformed id deletes nothing', async () => {
      const ids = await threeDuplicates('delete-many');
      const forbidden = await del(`${LIST}?id=${ids[0]}&id=${ids[1]}`, user);
      assert.equal(forbidden.status, 403);
      assert.deepEqual(forbidden.body, {
        message: 'You are not authorized to delete an entrance duplicate.',
      });

      const unknown = await del(`${LIST}?id=${ids[0]}&id=999999&id=${ids[1]}`, moderator);
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, { message: 'Could not find duplicate with id 999999.' });
      const malformed = await del(`${LIST}?id=${ids[0]}&id=x1`, moderator);
      assert.equal(malformed.status, 404);
      assert.deepEqual(await remaining(ids), ids, 'nothing deleted');

      const none = await del(LIST, moderator);
      assert.equal(none.status, 400);
      assert.deepEqual(none.body, { message: 'You must provide the id of the duplicates.' });
      const tooMany = await del(
        `${LIST}?${Array.from({ length: 1001 }, (_, i) => `id=${i + 1}`).join('&')}`,
        moderator,
      );
      assert.equal(tooMany.status, 400);
      assert.equal((await del(`${LIST}?id=${ids[0]}`)).status, 401);

      const res = await del(`${LIST}?id=${ids[0]}&id[]=${ids[1]}&id=${ids[0]}`, moderator);
      assert.equal(res.status, 204);
      assert.deepEqual(await remaining(ids), [ids[2]]);
    });
  });

  describe('create an entrance from a duplicate', () => {
    it('creates cave, entrance, names, description and location in its own right, and deletes the duplicate', async () => {
      const original = entranceRow({ id: 'resolve-1', 'rdfs:label': 'Puits Connu' });
      const other = documented(
        {
          id: 'resolve-1',
          'rdfs:label': 'Puits Voisin',
          'rdfs:label/dc:language': 'deu',
          'gn:alternateName': 'Nachbarschacht',
          'w3geo:latitude': '44.5',
          'w3geo:longitude': '6.25',
          'w3geo:altitude': '900',
          'karstlink:length': '4200',
          'karstlink:verticalExtend': '310',
          'dct:rights/dct:modified': '2024-04-05',
        },
        'Resolver Describer',
        'Resolver Guide',
      );
      const { status, rows, existing } = await importDuplicates(original, [other]);
      const [duplicate] = rows;
      assert.equal(await caverId('Resolver Describer'), undefined, 'the import created no author');

      const forbidden = await post(fromDuplicate(duplicate.id), user);
      assert.equal(forbidden.status, 403);
      assert.deepEqual(forbidden.body, {
        message: 'You are not authorized to create an entrance duplicate.',
      });

      const started = new Date();
      const res = await post(fromDuplicate(duplicate.id), moderator);
      assert.equal(res.status, 204, res.text);
      assert.deepEqual(
        await suite.app.query('SELECT id FROM t_entrance_duplicate WHERE id = $1', [duplicate.id]),
        [],
      );

      const describer = await caverId('Resolver Describer');
      const guide = await caverId('Resolver Guide');
      assert.ok(describer && guide, 'the authors are created by the resolution');
      const created = await suite.app.query('SELECT * FROM t_entrance WHERE origin_id_entrance = $1', [
        existing,
      ]);
      assert.equal(created.length, 1);
      const [entrance] = created;
      assert.deepEqual(
        [entrance.id_db_import, entrance.name_db_import, entrance.id_job_batch],
        [null, null, null],
        'no import key taken, not written by an import',
      );
      assert.equal(entrance.origin_id_job_batch, status.batchId);
      assert.notEqual(entrance.id, existing);
      assert.equal(entrance.id_author, describer);
      assert.equal(entrance.id_country, 'FR');
      assert.deepEqual(
        [Number(entrance.latitude), Number(entrance.longitude), entrance.altitude],
        [44.5, 6.25, 900],
      );
      assert.ok(entrance.date_inscription >= new Date(started.getTime() - 1000), 'dated by the resolution');
      assert.equal(entrance.date_reviewed.toISOString().slice(0, 10), '2024-04-05');

      const [cave] = await suite.app.query('SELECT * FROM t_cave WHERE id = $1', [entrance.id_cave]);
      assert.deepEqual([cave.length, cave.depth, cave.id_author], [4200, 310, describer]);
      assert.ok(cave.date_inscription >= new Date(started.getTime() - 1000));
      const [existingEntrance] = await suite.app.query('SELECT id_cave FROM t_entrance WHERE id = $1', [
        existing,
      ]);
      assert.notEqual(cave.id, existingEntrance.id_cave, 'a cave of its own');

      const names = await suite.app.query(
        `SELECT name, id_language, is_main, id_cave IS NOT NULL AS of_cave, id_author FROM t_name
          WHERE id_entrance = $1 OR id_cave = $2 ORDER BY is_main DESC, of_cave DESC`,
        [entrance.id, cave.id],
      );
      assert.deepEqual(names, [
        { name: 'Puits Voisin', id_language: 'deu', is_main: true, of_cave: true, id_author: describer },
        { name: 'Puits Voisin', id_language: 'deu', is_main: true, of_cave: false, id_author: describer },
        { name: 'Nachbarschacht', id_language: 'deu', is_main: false, of_cave: false, id_author: describer },
      ]);
      const [description] = await suite.app.query('SELECT * FROM t_description WHERE id_entrance = $1', [
        entrance.id,
      ]);
      assert.deepEqual(
        [description.title, description.body, description.id_language, description.id_author],
        ['Notes', 'A wide shaft.', 'eng', describer],
      );
      assert.ok(description.id_license);
      const [location] = await suite.app.query('SELECT * FROM t_location WHERE id_entrance = $1', [
        entrance.id,
      ]);
      assert.deepEqual(
        [location.body, location.id_language, location.id_author],
        ['Follow the stream.', 'fra', guide],
      );

      const again = await post(fromDuplicate(duplicate.id), moderator);
      assert.equal(again.status, 404);
      assert.deepEqual(again.body, { message: `Could not find duplicate with id ${duplicate.id}.` });
    });

    it("uses the author's id when the caver existed at import time, and lets an Administrator resolve", async () => {
      const original = entranceRow({ id: 'resolve-2' });
      const { rows, existing } = await importDuplicates(original, [{ ...original, 'rdfs:label': 'Twin' }]);
      const clubId = await caverId('Test Caving Club');
      assert.equal(rows[0].content.entrance.author, clubId);
      const res = await post(fromDuplicate(rows[0].id), suite.admin);
      assert.equal(res.status, 204);
      const [entrance] = await suite.app.query('SELECT * FROM t_entrance WHERE origin_id_entrance = $1', [
        existing,
      ]);
      assert.equal(entrance.id_author, clubId);
      const [{ n }] = await suite.app.query(
        "SELECT count(*)::int AS n FROM t_caver WHERE nickname = 'Test Caving Club'",
      );
      assert.equal(n, 1, 'no second caver for an author that existed');
    });

    it('creates exactly one entrance when two moderators resolve the same duplicate at once', async () => {
      const second = await suite.app.createUser({ group: 'Moderator' });
      const original = entranceRow({ id: 'resolve-race' });
      const { rows, existing } = await importDuplicates(original, [{ ...original }]);
      const answers = await Promise.all([
        post(fromDuplicate(rows[0].id), moderator),
        post(fromDuplicate(rows[0].id), second),
      ]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [204, 404]);
      const [{ n }] = await suite.app.query(
        'SELECT count(*)::int AS n FROM t_entrance WHERE origin_id_entrance = $1',
        [existing],
      );
      assert.equal(n, 1);
    });

    it('answers 404 for an unknown or malformed id, 400 for a content that cannot make an entrance, 401 without a token', async () => {
      for (const id of ['999999', 'abc', '-3']) {
        const res = await post(fromDuplicate(id), moderator);
        assert.equal(res.status, 404, id);
        assert.deepEqual(res.body, { message: `Could not find duplicate with id ${id}.` });
      }
      const original = entranceRow({ id: 'resolve-broken' });
      const { rows, existing } = await importDuplicates(original, [{ ...original }]);
      await suite.app.query(
        `UPDATE t_entrance_duplicate SET content = content #- '{entrance,latitude}' WHERE id = $1`,
        [rows[0].id],
      );
      const broken = await post(fromDuplicate(rows[0].id), moderator);
      assert.equal(broken.status, 400);
      assert.deepEqual(broken.body, {
        message: `The content of entrance duplicate ${rows[0].id} cannot make an entrance: it has no latitude.`,
      });
      assert.equal(
        (await suite.app.query('SELECT id FROM t_entrance_duplicate WHERE id = $1', [rows[0].id])).length,
        1,
        'the duplicate is kept',
      );
      const [{ n }] = await suite.app.query(
        'SELECT count(*)::int AS n FROM t_entrance WHERE origin_id_entrance = $1',
        [existing],
      );
      assert.equal(n, 0);
      assert.equal((await post(fromDuplicate(rows[0].id))).status, 401);
    });
  });
});

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
