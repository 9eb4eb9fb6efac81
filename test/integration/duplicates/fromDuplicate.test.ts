import assert from 'node:assert/strict';
import { documented, fromDuplicate, useDuplicatesService } from '../../support/duplicates';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import type { TestUser } from '../../support/testService';

describe('Entrance duplicates', () => {
  const { suite, people, post, importDuplicates, caverId } = useDuplicatesService();
  let moderator: TestUser;
  let user: TestUser;
  before(() => {
    ({ moderator, user } = people);
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
      // A duplicate recorded before authors were created for duplicates (or by Grottocenter) names
      // them by nickname only: the resolution must find or create them.
      await suite.app.query(
        `UPDATE t_entrance_duplicate SET content = jsonb_set(jsonb_set(jsonb_set(content,
            '{entrance,author}', 'null'), '{nameDescLoc,description,author}', 'null'),
            '{nameDescLoc,location,author}', 'null') WHERE id = $1`,
        [duplicate.id],
      );
      await suite.app.query("DELETE FROM t_caver WHERE nickname IN ('Resolver Describer', 'Resolver Guide')");

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

    it('refuses (400) a content the import would refuse: keeps the duplicate, creates nothing', async () => {
      const original = entranceRow({ id: 'resolve-invalid' });
      const cases: [string, unknown, string][] = [
        ['{entrance,latitude}', 1000, 'an invalid latitude (1000)'],
        ['{entrance,altitude}', 1e12, 'an invalid altitude (1000000000000)'],
        ['{entrance,country}', 'ZZ', 'an unknown country (ZZ)'],
        ['{nameDescLoc,name,language}', 'xx', 'an unknown language (xx)'],
        ['{nameDescLoc,name,text}', 'N'.repeat(201), 'a text longer than 200 characters'],
      ];
      const { rows, existing } = await importDuplicates(
        original,
        cases.map(() => ({ ...original })),
      );
      const counts = async () =>
        (
          await suite.app.query(
            `SELECT (SELECT count(*)::int FROM t_entrance) AS entrances, (SELECT count(*)::int FROM t_cave) AS caves,
                    (SELECT count(*)::int FROM t_name) AS names, (SELECT count(*)::int FROM t_entrance_duplicate) AS duplicates`,
          )
        )[0];
      const before = await counts();
      for (const [[field, value, what], { id }] of cases.map((c, i) => [c, rows[i]] as const)) {
        await suite.app.query(
          'UPDATE t_entrance_duplicate SET content = jsonb_set(content, $2::text[], $3::jsonb) WHERE id = $1',
          [id, field, JSON.stringify(value)],
        );
        const res = await post(fromDuplicate(id), moderator);
        assert.equal(res.status, 400, `${what}: ${res.text}`);
        assert.deepEqual(res.body, {
          message: `The content of entrance duplicate ${id} cannot make an entrance: it has ${what}.`,
        });
      }
      assert.deepEqual(await counts(), before, 'every duplicate kept, nothing created');
      const [{ n }] = await suite.app.query(
        'SELECT count(*)::int AS n FROM t_entrance WHERE origin_id_entrance = $1',
        [existing],
      );
      assert.equal(n, 0);
    });

    it('takes the import key when no live entrance holds it any more: importing the row again finds that entrance', async () => {
      const original = entranceRow({ id: 'resolve-key', 'rdfs:label': 'Puits Disparu' });
      const { status, rows, existing } = await importDuplicates(original, [
        { ...original, 'rdfs:label': 'Puits Repris' },
      ]);
      await suite.app.query('UPDATE t_entrance SET is_deleted = true WHERE id = $1', [existing]);
      const res = await post(fromDuplicate(rows[0].id), moderator);
      assert.equal(res.status, 204, res.text);
      const [created] = await suite.app.query('SELECT * FROM t_entrance WHERE origin_id_entrance = $1', [
        existing,
      ]);
      assert.deepEqual(
        [created.id_db_import, created.name_db_import, created.origin_id_job_batch, created.is_deleted],
        ['resolve-key', 'Test Caving Club', status.batchId, false],
      );

      const again = await importAndWait(suite.app, suite.admin, [{ ...original }]);
      assert.deepEqual(again.result?.summary, { successes: 0, duplicates: 1, failures: 0 });
      const [duplicate] = await suite.app.query(
        'SELECT id_entrance FROM t_entrance_duplicate WHERE id_job_batch = $1',
        [again.batchId],
      );
      assert.equal(duplicate.id_entrance, created.id, 'a duplicate of the resolved entrance');
      const [{ n }] = await suite.app.query(
        "SELECT count(*)::int AS n FROM t_entrance WHERE id_db_import = 'resolve-key' OR origin_id_entrance = $1",
        [existing],
      );
      assert.equal(n, 2, 'the deleted entrance and the resolved one: no third');
    });
  });
});
