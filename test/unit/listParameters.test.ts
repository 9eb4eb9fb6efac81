import assert from 'node:assert/strict';
import { InvalidInputError } from '../../api/lib/core/errors';
import { contentRange, sendPage } from '../../api/lib/http/pagination';
import { parseListQuery, parseRecordId, readIdList } from '../../api/lib/http/requestInput';

const SORTABLE = ['dateInscription', 'id'] as const;
const parse = (query: Record<string, unknown>) =>
  parseListQuery(query, { sortable: SORTABLE, defaultSort: 'dateInscription', maxLimit: 50 });

describe('Foundation: list parameters, pages and ids', () => {
  it('reads limit, skip, sortBy and orderBy with Grottocenter defaults, lowering a large limit to the maximum', () => {
    assert.deepEqual(parse({}), { limit: 50, skip: 0, sortBy: 'dateInscription', orderBy: 'DESC' });
    assert.deepEqual(parse({ limit: '10', skip: '20', sortBy: 'id', orderBy: 'asc' }), {
      limit: 10,
      skip: 20,
      sortBy: 'id',
      orderBy: 'ASC',
    });
    assert.equal(parse({ limit: '5000' }).limit, 50);
    assert.equal(
      parseListQuery(
        {},
        { sortable: SORTABLE, defaultSort: 'id', defaultOrder: 'ASC', maxLimit: 20, defaultLimit: 5 },
      ).limit,
      5,
    );
  });

  it('refuses anything else with a 400 message', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ limit: '0' }, 'limit must be a positive integer.'],
      [{ limit: '-3' }, 'limit must be a positive integer.'],
      [{ limit: ['1', '2'] }, 'limit must be a positive integer.'],
      [{ skip: '1.5' }, 'skip must be a non-negative integer.'],
      [{ skip: '99999999999999999' }, 'skip must be a non-negative integer.'],
      [{ sortBy: 'constructor' }, 'sortBy must be one of: dateInscription, id.'],
      [{ sortBy: 'id DESC; --' }, 'sortBy must be one of: dateInscription, id.'],
      [{ sortBy: { id: 1 } }, 'sortBy must be one of: dateInscription, id.'],
      [{ orderBy: 'up' }, 'orderBy must be ASC or DESC.'],
    ];
    for (const [query, message] of cases) {
      assert.throws(() => parse(query), new InvalidInputError(message), JSON.stringify(query));
    }
  });

  it('answers 200 for a whole list, 206 with an inclusive Content-Range for a part of one', () => {
    const answer = () => {
      const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
      const res = {
        set: (field: string, value: string) => {
          sent.headers[field] = value;
        },
        status: (code: number) => {
          sent.status = code;
          return { json: (body: unknown) => (sent.body = body) };
        },
      };
      return { sent, res };
    };
    const whole = answer();
    sendPage(whole.res, { items: [1, 2] }, { skip: 0, count: 2, total: 2 });
    assert.deepEqual(whole.sent, { status: 200, headers: {}, body: { items: [1, 2] } });
    const part = answer();
    sendPage(part.res, { items: [3] }, { skip: 2, count: 1, total: 3 });
    assert.equal(part.sent.status, 206);
    assert.deepEqual(part.sent.headers, {
      'Content-Range': '2-2/3',
      'Access-Control-Expose-Headers': 'Content-Range',
    });
    assert.equal(contentRange({ skip: 0, count: 50, total: 120 }), '0-49/120');
    assert.equal(contentRange({ skip: 200, count: 0, total: 120 }), '*/120');
  });

  it('reads serial ids from the path (null when malformed) and id lists from bodies', () => {
    assert.equal(parseRecordId('42'), 42);
    assert.equal(parseRecordId('2147483647'), 2147483647);
    for (const bad of ['0', '-1', '01', '1.0', '1e3', 'abc', '2147483648', '', undefined]) {
      assert.equal(parseRecordId(bad), null, String(bad));
    }
    assert.deepEqual(readIdList({ ids: [3, 1, 3] }, 'ids', 2), [3, 1]);
    for (const absent of [undefined, null, {}, { ids: null }, { ids: [] }]) {
      assert.equal(readIdList(absent, 'ids', 10), null);
    }
    assert.throws(() => readIdList({ ids: [1, 2, 3] }, 'ids', 2), /exceeds the maximum allowed length of 2/);
    assert.throws(() => readIdList({ ids: ['1'] }, 'ids', 2), /must be an array of positive integers/);
    assert.throws(() => readIdList('ids=1', 'ids', 2), /Request body must be an object/);
  });
});
