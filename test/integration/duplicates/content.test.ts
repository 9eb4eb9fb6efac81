import assert from 'node:assert/strict';
import { documented, useDuplicatesService } from '../../support/duplicates';
import { importAndWait } from '../../support/imports';
import { download } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import type { TestUser } from '../../support/testService';

describe('Entrance duplicates', () => {
  const { suite, people, get, importDuplicates, caverId } = useDuplicatesService();
  let user: TestUser;
  before(() => {
    ({ user } = people);
  });

  describe('content', () => {
    it("stores Grottocenter's { entrance, nameDescLoc }, each author by id, created by the import if need be", async () => {
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
            author: await caverId('Access Stranger'),
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
      assert.ok(await caverId('Access Stranger'), "the duplicate's author exists, as SPEC 12.2's id needs");
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
});
