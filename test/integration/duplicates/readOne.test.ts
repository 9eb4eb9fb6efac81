import assert from 'node:assert/strict';
import { documented, LIST, useDuplicatesService } from '../../support/duplicates';
import { entranceRow } from '../../support/rows';
import type { TestUser } from '../../support/testService';

describe('Entrance duplicates', () => {
  const { suite, people, get, importDuplicates, caverId } = useDuplicatesService();
  let moderator: TestUser;
  let user: TestUser;
  before(() => {
    ({ moderator, user } = people);
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

    it("shows a sensitive entrance's coordinates to Moderators and Administrators only", async () => {
      const original = entranceRow({ id: 'one-sensitive' });
      const { rows, existing } = await importDuplicates(original, [
        { ...original, 'w3geo:latitude': '44.5', 'w3geo:longitude': '6.25' },
      ]);
      const located = async (who: TestUser) => {
        const res = await get(`${LIST}/${rows[0].id}`, who);
        assert.equal(res.status, 200);
        const { isSensitive, latitude, longitude } = res.body.entrance;
        return [isSensitive, latitude, longitude];
      };
      assert.deepEqual(await located(user), [false, 45.123456, 5.654321], 'not sensitive: shown to all');

      await suite.app.query('UPDATE t_entrance SET is_sensitive = true WHERE id = $1', [existing]);
      assert.deepEqual(await located(user), [true, null, null], 'hidden from a User');
      assert.deepEqual(await located(moderator), [true, 45.123456, 5.654321]);
      assert.deepEqual(await located(suite.admin), [true, 45.123456, 5.654321]);
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
});
