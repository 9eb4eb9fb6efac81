/** What the entrance duplicates suites (test/integration/duplicates/) share: rows, users and calls. */
import { importAndWait, outcomesOf } from './imports';
import { entranceRow } from './rows';
import { type TestUser, useTestService } from './testService';

export const LIST = '/api/v1/entrance-duplicates';
export const fromDuplicate = (id: number | string) => `/api/v1/entrances/from-duplicate/${id}`;

/** A row that names a description and an access document, with their creators. */
export function documented(overrides: Record<string, string>, descriptionBy: string, accessBy: string) {
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

/**
 * The service of one duplicates suite (useTestService), a Moderator and a User made before its
 * first test (read `people` inside hooks and tests), and the calls the suites make.
 */
export function useDuplicatesService() {
  const suite = useTestService();
  const people = {} as { moderator: TestUser; user: TestUser };

  before(async () => {
    people.moderator = await suite.app.createUser({ group: 'Moderator' });
    people.user = await suite.app.createUser({ group: 'User' });
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

  return { suite, people, get, del, post, importDuplicates, caverId };
}
