import assert from 'node:assert/strict';
import { LIST, useDuplicatesService } from '../../support/duplicates';
import { entranceRow } from '../../support/rows';
import type { TestUser } from '../../support/testService';

describe('Entrance duplicates', () => {
  const { suite, people, get, importDuplicates } = useDuplicatesService();
  let moderator: TestUser;
  let user: TestUser;
  before(() => {
    ({ moderator, user } = people);
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
});
