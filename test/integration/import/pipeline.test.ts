import assert from 'node:assert/strict';
import { importAndWait, outcomesOf } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

describe('CSVImportQueueService: import pipeline', () => {
  const suite = useTestService({ settings: { import: { chunkSize: 25 } } });

  it('imports fresh rows: cave, entrance, names, description and location, attributed to the author', async () => {
    const row = entranceRow({
      id: 'fresh-1',
      'gn:countryCode': 'ch',
      'rdfs:label': 'Hölloch',
      'rdfs:label/dc:language': 'deu',
      'gn:alternateName': 'Hell hole',
      'dct:rights/dct:modified': '2024-05-06',
      'karstlink:hasDescriptionDocument/dct:title': 'Overview',
      'karstlink:hasDescriptionDocument/dct:description': 'One of the longest caves.',
      'karstlink:hasDescriptionDocument/dc:language': 'eng',
      'karstlink:hasDescriptionDocument/dct:creator': 'https://example.org/cavers#Alfred_Bögli',
      'karstlink:hasAccessDocument/dct:description': 'From Muotathal, follow the river.',
      'karstlink:hasAccessDocument/dc:language': 'deu',
      'karstlink:hasAccessDocument/dct:creator': 'Access Team',
    });
    const status = await importAndWait(suite.app, suite.admin, [row]);
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 1, duplicates: 0, failures: 0 });
    const [outcome] = await outcomesOf(suite.app, status.batchId);
    assert.equal(outcome.outcome, 'success');
    assert.equal(outcome.message, null);

    const [entrance] = await suite.app.query('SELECT * FROM t_entrance WHERE id = $1', [outcome.id_entrance]);
    assert.equal(entrance.id_cave, outcome.id_cave);
    assert.equal(entrance.id_country, 'CH');
    assert.equal(entrance.id_db_import, 'fresh-1');
    assert.equal(entrance.name_db_import, 'Test Caving Club');
    assert.equal(Number(entrance.latitude), 45.123456);
    assert.equal(Number(entrance.longitude), 5.654321);
    assert.equal(entrance.altitude, 1200);
    assert.equal(entrance.precision, 10);
    assert.equal(entrance.id_job_batch, status.batchId);
    assert.equal(entrance.date_inscription.toISOString().slice(0, 10), '2024-03-01');
    assert.equal(entrance.date_reviewed.toISOString().slice(0, 10), '2024-05-06');

    const [author] = await suite.app.query('SELECT id, mail, password FROM t_caver WHERE nickname = $1', [
      'Alfred Bögli',
    ]);
    assert.equal(author.mail, null, 'an import author is not a user');
    assert.equal(author.password, null);
    assert.equal(entrance.id_author, author.id);

    const [cave] = await suite.app.query('SELECT * FROM t_cave WHERE id = $1', [outcome.id_cave]);
    assert.deepEqual(
      [cave.length, cave.depth, cave.id_author, cave.id_job_batch],
      [350, 120, author.id, status.batchId],
    );

    const names = await suite.app.query(
      'SELECT name, id_language, is_main, id_cave, id_entrance, id_author FROM t_name WHERE id_job_batch = $1 ORDER BY id',
      [status.batchId],
    );
    assert.deepEqual(names, [
      {
        name: 'Hölloch',
        id_language: 'deu',
        is_main: true,
        id_cave: cave.id,
        id_entrance: null,
        id_author: author.id,
      },
      {
        name: 'Hölloch',
        id_language: 'deu',
        is_main: true,
        id_cave: null,
        id_entrance: entrance.id,
        id_author: author.id,
      },
      {
        name: 'Hell hole',
        id_language: 'deu',
        is_main: false,
        id_cave: null,
        id_entrance: entrance.id,
        id_author: author.id,
      },
    ]);
    const [description] = await suite.app.query('SELECT * FROM t_description WHERE id_entrance = $1', [
      entrance.id,
    ]);
    assert.deepEqual(
      [description.title, description.body, description.id_language, description.id_author],
      ['Overview', 'One of the longest caves.', 'eng', author.id],
    );
    assert.ok(description.id_license, 'license resolved from dct:rights/karstlink:licenseType');
    const [location] = await suite.app.query(
      'SELECT l.body, l.id_language, c.nickname FROM t_location l JOIN t_caver c ON c.id = l.id_author WHERE id_entrance = $1',
      [entrance.id],
    );
    assert.deepEqual(location, {
      body: 'From Muotathal, follow the river.',
      id_language: 'deu',
      nickname: 'Access Team',
    });
  });

  it('records rows whose key already exists as entrance duplicates by the initiator', async () => {
    const original = entranceRow({ id: 'dup-existing' });
    const first = await importAndWait(suite.app, suite.admin, [original]);
    const [{ id_entrance: existing }] = await outcomesOf(suite.app, first.batchId);

    const second = await importAndWait(suite.app, suite.admin, [{ ...original, 'rdfs:label': 'Renamed' }]);
    assert.deepEqual(second.result?.summary, { successes: 0, duplicates: 1, failures: 0 });
    const [outcome] = await outcomesOf(suite.app, second.batchId);
    assert.deepEqual(outcome, {
      line: 2,
      outcome: 'duplicate',
      message: 'Entrance with id dup-existing has been created as an entrance duplicate.',
      id_entrance: existing,
      id_cave: null,
    });
    const duplicates = await suite.app.query('SELECT * FROM t_entrance_duplicate WHERE id_job_batch = $1', [
      second.batchId,
    ]);
    assert.equal(duplicates.length, 1);
    assert.equal(duplicates[0].id_entrance, existing);
    assert.equal(duplicates[0].id_author, suite.admin.id);
    assert.equal(duplicates[0].content.entrance.idDbImport, 'dup-existing');
    assert.equal(duplicates[0].content.nameDescLoc.name.text, 'Renamed');
    const [{ n }] = await suite.app.query(
      'SELECT count(*)::int AS n FROM t_entrance WHERE id_db_import = $1',
      ['dup-existing'],
    );
    assert.equal(n, 1, 'no second entrance');
  });

  it("creates no author for a row that fails; a duplicate's author is created and named by id (SPEC 12.2)", async () => {
    const original = entranceRow({ id: 'authorless-dup' });
    await importAndWait(suite.app, suite.admin, [original]);
    const describedBy = (creator: string, extra: Record<string, string> = {}) => ({
      ...extra,
      'karstlink:hasDescriptionDocument/dct:title': 'Notes',
      'karstlink:hasDescriptionDocument/dc:language': 'fra',
      'karstlink:hasDescriptionDocument/dct:creator': creator,
    });
    const status = await importAndWait(suite.app, suite.admin, [
      { ...original, ...describedBy('Only On A Duplicate') },
      entranceRow(describedBy('Only On A Failure', { 'gn:countryCode': 'ZZ' })),
    ]);
    assert.deepEqual(status.result?.summary, { successes: 0, duplicates: 1, failures: 1 });
    const authors = await suite.app.query(
      "SELECT id, nickname FROM t_caver WHERE nickname LIKE 'Only On A %'",
    );
    assert.deepEqual(
      authors.map((a) => a.nickname),
      ['Only On A Duplicate'],
    );
    const [{ content }] = await suite.app.query(
      'SELECT content FROM t_entrance_duplicate WHERE id_job_batch = $1',
      [status.batchId],
    );
    assert.equal(content.entrance.author, authors[0].id);
    assert.equal(content.nameDescLoc.description.author, authors[0].id);
  });

  it('fails, alone, a row with a NUL or a broken character, instead of refusing the batch', async () => {
    const status = await importAndWait(suite.app, suite.admin, [
      entranceRow({ 'rdfs:label': 'Null\u0000Cave' }),
      entranceRow({ 'gn:alternateName': 'Half \uD83D surrogate' }),
      entranceRow({ 'rdfs:label': 'Fine 🦇 cave' }),
    ]);
    assert.deepEqual(status.result?.summary, { successes: 1, duplicates: 0, failures: 2 });
    const outcomes = await outcomesOf(suite.app, status.batchId);
    assert.equal(outcomes[0].message, 'Invalid character in rdfs:label: Null\uFFFDCave');
    assert.equal(outcomes[1].message, 'Invalid character in gn:alternateName: Half \uFFFD surrogate');
  });

  it('treats a deleted entrance as free: its key can be imported again', async () => {
    const row = entranceRow({ id: 'was-deleted' });
    const first = await importAndWait(suite.app, suite.admin, [row]);
    await suite.app.query('UPDATE t_entrance SET is_deleted = true WHERE id_job_batch = $1', [first.batchId]);
    const again = await importAndWait(suite.app, suite.admin, [row]);
    assert.deepEqual(again.result?.summary, { successes: 1, duplicates: 0, failures: 0 });
  });

  it('classifies later rows of the same key in a batch as duplicates of the first, even across a failing first row', async () => {
    const rows = [
      entranceRow({ id: 'k1' }), // 2: success
      entranceRow({ id: 'k2', 'w3geo:latitude': '123' }), // 3: failure, k2's first row
      entranceRow({ id: 'k1' }), // 4: duplicate of line 2
      entranceRow({ id: 'k2' }), // 5: success: the key's first valid row
      entranceRow({ id: 'k2' }), // 6: duplicate of line 5
      entranceRow({ id: 'k1', 'dct:rights/cc:attributionName': 'Another Club' }), // 7: another key
    ];
    const status = await importAndWait(suite.app, suite.admin, rows);
    const outcomes = await outcomesOf(suite.app, status.batchId);
    assert.deepEqual(
      outcomes.map((o) => [o.line, o.outcome]),
      [
        [2, 'success'],
        [3, 'failure'],
        [4, 'duplicate'],
        [5, 'success'],
        [6, 'duplicate'],
        [7, 'success'],
      ],
    );
    assert.equal(outcomes[1].message, 'Invalid latitude: 123');
    assert.equal(outcomes[2].id_entrance, outcomes[0].id_entrance);
    assert.equal(outcomes[4].id_entrance, outcomes[3].id_entrance);
    const duplicates = await suite.app.query(
      'SELECT id_entrance FROM t_entrance_duplicate WHERE id_job_batch = $1 ORDER BY id',
      [status.batchId],
    );
    assert.deepEqual(
      duplicates.map((d) => d.id_entrance),
      [outcomes[0].id_entrance, outcomes[3].id_entrance],
    );
  });

  it('imports a key repeated past the chunk size in windows of the chunk size: its first valid row wins, the rest are its duplicates', async () => {
    // 60 rows of one key make one chunk (one worker, in line order), read and written 25 at a time.
    const rows = [
      entranceRow({ id: 'many', 'w3geo:latitude': '123' }), // 2: failure, the key's first row
      ...Array.from({ length: 59 }, (_, i) => entranceRow({ id: 'many', 'rdfs:label': `Many ${i}` })),
      entranceRow({ id: 'other' }),
    ];
    const status = await importAndWait(suite.app, suite.admin, rows);
    assert.deepEqual(status.result?.summary, { successes: 2, duplicates: 58, failures: 1 });
    const outcomes = await outcomesOf(suite.app, status.batchId);
    assert.deepEqual(
      outcomes.map((o) => o.line),
      rows.map((_, i) => i + 2),
    );
    const [failed, winner, ...rest] = outcomes;
    assert.deepEqual([failed.outcome, winner.outcome], ['failure', 'success']);
    const many = rest.slice(0, -1);
    assert.ok(many.every((o) => o.outcome === 'duplicate' && o.id_entrance === winner.id_entrance));
    assert.equal(rest.at(-1)?.outcome, 'success');
    const [{ live }] = await suite.app.query(
      "SELECT count(*)::int AS live FROM t_entrance WHERE id_db_import = 'many' AND NOT is_deleted",
    );
    assert.equal(live, 1);
  });

  it('turns each kind of bad row into a failure with its SPEC message and writes nothing for it', async () => {
    const bad: [Record<string, string | undefined>, string][] = [
      [{ 'gn:countryCode': undefined, 'rdf:type': '' }, 'Columns missing: rdf:type,gn:countryCode'],
      [{ 'w3geo:latitude': '-90.5' }, 'Invalid latitude: -90.5'],
      [{ 'w3geo:longitude': 'east' }, 'Invalid longitude: east'],
      [{ 'gn:countryCode': 'QQ' }, 'Unknown country code: QQ'],
      [{ 'rdfs:label/dc:language': 'xx1' }, 'Unknown language: xx1'],
      [{ 'dct:rights/dct:created': '2024-13-01' }, 'Invalid date in dct:rights/dct:created: 2024-13-01'],
      [{ id: 'i'.repeat(101) }, 'id is too long (max 100 characters)'],
      [{ 'dwc:coordinatePrecision': 'ten' }, 'Invalid integer in dwc:coordinatePrecision: ten'],
    ];
    const rows = [entranceRow(), ...bad.map(([overrides]) => entranceRow(overrides))];
    const status = await importAndWait(suite.app, suite.admin, rows);
    assert.deepEqual(status.result?.summary, { successes: 1, duplicates: 0, failures: bad.length });
    const outcomes = await outcomesOf(suite.app, status.batchId);
    assert.deepEqual(
      outcomes.slice(1).map((o) => [o.outcome, o.message, o.id_entrance]),
      bad.map(([, message]) => ['failure', message, null]),
    );
    const [{ n }] = await suite.app.query(
      'SELECT count(*)::int AS n FROM t_entrance WHERE id_job_batch = $1',
      [status.batchId],
    );
    assert.equal(n, 1);
  });

  it('keeps unicode names intact', async () => {
    const names = ['秋芳洞', 'مغارة جعيتا', 'Пещера Снежная', 'Gouffre de l’Œil 🦇'];
    const status = await importAndWait(
      suite.app,
      suite.admin,
      names.map((name) => entranceRow({ 'rdfs:label': name, 'dct:rights/cc:attributionName': 'クラブ' })),
    );
    assert.deepEqual(status.result?.summary, { successes: 4, duplicates: 0, failures: 0 });
    const stored = await suite.app.query(
      'SELECT name FROM t_name WHERE id_job_batch = $1 AND id_cave IS NOT NULL ORDER BY id',
      [status.batchId],
    );
    assert.deepEqual(
      stored.map((r) => r.name),
      names,
    );
  });

  it('reports progress counters that add up and end equal to the totals', async () => {
    const status = await importAndWait(
      suite.app,
      suite.admin,
      Array.from({ length: 60 }, (_, i) => entranceRow(i % 10 === 0 ? { 'gn:countryCode': 'ZZ' } : {})),
    );
    const p = status.progress;
    assert.equal(p.totalRows, 60);
    assert.equal(p.completedChunks, p.totalChunks);
    assert.equal(p.processedRows, p.successes + p.duplicates + p.failures);
    assert.equal(p.processedRows, 60);
    assert.deepEqual(status.result?.summary, { successes: 54, duplicates: 0, failures: 6 });
    assert.ok(status.completedAt && status.completedAt >= status.createdAt);
  });
});
