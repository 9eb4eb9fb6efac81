/**
 * npm run user:create -- --email E --password P --nickname N [--group Administrator|Moderator|User] [--language fra]
 *
 * Creates the user, or updates the one with that email, and prints its id. Uses DATABASE_URL, or
 * the embedded PostgreSQL of `npm start` (which it starts and stops) when DATABASE_URL is unset.
 */
import { parseArgs } from 'node:util';
import { isGroupName } from '../api/lib/auth/groups';
import { upsertUser } from '../api/lib/auth/users';
import { readSettings } from '../api/lib/core/settings';
import { startEmbeddedPostgres } from '../api/lib/db/embeddedPostgres';
import { migrateDatabase } from '../api/lib/db/migrate';
import { createPool, withTransaction } from '../api/lib/db/pool';

const USAGE =
  'Usage: npm run user:create -- --email E --password P --nickname N [--group Administrator|Moderator|User] [--language fra]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      nickname: { type: 'string' },
      group: { type: 'string', default: 'User' },
      language: { type: 'string', default: 'eng' },
    },
    strict: true,
  });
  const { email, password, nickname, group, language } = values;
  if (!email || !password || !nickname) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!isGroupName(group!)) {
    process.stderr.write(`Unknown group "${group}". ${USAGE}\n`);
    return 2;
  }

  const settings = readSettings();
  const embedded = settings.databaseUrl
    ? null
    : await startEmbeddedPostgres({ ...settings.embeddedPostgres, database: 'cave_import' });
  const url = settings.databaseUrl ?? embedded!.url;
  try {
    await migrateDatabase(url);
    const pool = createPool(url, 2);
    try {
      const id = await withTransaction(pool, (client) =>
        upsertUser(client, { email, password, nickname, group, language }),
      );
      process.stdout.write(`${id}\n`);
    } finally {
      await pool.end();
    }
  } finally {
    await embedded?.stop();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`user:create failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
