import assert from 'node:assert/strict';
import { LIST, useDuplicatesService } from '../../support/duplicates';
import { entranceRow } from '../../support/rows';
import type { TestUser } from '../../support/testService';

describe('Entrance duplicates', () => {
  const { suite, people, del, importDuplicates } = useDuplicatesService();
  let moderator: TestUser;
  let user: TestUser;
  before(() => {
    ({ moderator, user } = people);
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
});
