import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { BATCH_STATUSES, QUEUES } from '../../../api/lib/core/types';
import { BATCH_COLUMNS } from '../../../api/lib/db/sql/batches';
import { REQUESTER_FOREIGN_KEYS } from '../../../api/lib/db/sql/cavers';
import {
  PG_BOSS_SCHEMA_VERSION,
  readQueueSchemaVersion,
  wakeQueueWorkers,
} from '../../../api/lib/db/sql/queueJobs';
import { migratedDatabase, queryDatabase } from '../../support/database';
import { useTestService } from '../../support/testService';

interface Attribute {
  type: string;
  columnType?: string;
  isIn?: string[];
}

interface Model {
  tableName: string;
  attributes: Record<string, Attribute>;
}

const MODELS_DIR = path.resolve(__dirname, '../../../api/models');

/** What PostgreSQL calls each columnType the models use. */
const POSTGRES_TYPE: Record<string, string> = {
  uuid: 'uuid',
  integer: 'integer',
  timestamptz: 'timestamp with time zone',
  jsonb: 'jsonb',
  boolean: 'boolean',
  text: 'text',
};

/** The Waterline types each PostgreSQL type may be read as. */
const WATERLINE_TYPES: Record<string, string[]> = {
  uuid: ['string'],
  'character varying': ['string'],
  character: ['string'],
  text: ['string'],
  integer: ['number'],
  'timestamp with time zone': ['ref'],
  jsonb: ['json'],
  boolean: ['boolean'],
};

function loadModels(): [string, Model][] {
  return readdirSync(MODELS_DIR)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => {
      // A fresh copy: Sails normalises the definitions it loads in place (isIn moves to validations).
      const modulePath = path.join(MODELS_DIR, file);
      delete require.cache[require.resolve(modulePath)];
      return [file, require(modulePath) as Model];
    });
}

describe('Foundation: Waterline models match their tables', () => {
  let url: string;
  before(async () => {
    url = await migratedDatabase();
  });

  it('every model attribute is a column of its table, with the same type', async () => {
    const models = loadModels();
    assert.ok(models.length >= 1, 'the models were found');
    for (const [file, model] of models) {
      const columns = await queryDatabase<{ column_name: string; data_type: string; length: number | null }>(
        url,
        `SELECT column_name, data_type, character_maximum_length AS length
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [model.tableName],
      );
      assert.ok(columns.length > 0, `${file}: table ${model.tableName} exists`);
      const byName = new Map(columns.map((column) => [column.column_name, column]));
      for (const [name, attribute] of Object.entries(model.attributes)) {
        const column = byName.get(name);
        assert.ok(column, `${file}: ${name} is a column of ${model.tableName}`);
        assert.ok(
          WATERLINE_TYPES[column.data_type]?.includes(attribute.type),
          `${file}: ${name} is ${column.data_type}, read as ${attribute.type}`,
        );
        if (!attribute.columnType) continue;
        const varchar = /^varchar\((\d+)\)$/.exec(attribute.columnType);
        if (varchar) {
          assert.deepEqual(
            [column.data_type, column.length],
            ['character varying', Number(varchar[1])],
            name,
          );
        } else {
          assert.equal(column.data_type, POSTGRES_TYPE[attribute.columnType], `${file}: ${name}`);
        }
      }
    }
  });

  it("t_job_batch's status CHECK allows exactly the statuses of the code", async () => {
    const [{ definition }] = await queryDatabase<{ definition: string }>(
      url,
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = 't_job_batch'::regclass AND conname = 't_job_batch_status_check'`,
    );
    const allowed = [...definition.matchAll(/'(\w+)'/g)].map((match) => match[1]).sort();
    assert.deepEqual(allowed, Object.values(BATCH_STATUSES).sort());
  });

  it("a batch row's columns are every column of t_job_batch but the chunks' first lines", async () => {
    const columns = await queryDatabase<{ name: string }>(
      url,
      `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 't_job_batch'`,
    );
    assert.deepEqual(
      BATCH_COLUMNS.split(',')
        .map((column) => column.trim())
        .sort(),
      columns
        .map((column) => column.name)
        .filter((name) => name !== 'chunk_first_lines')
        .sort(),
    );
  });

  it('the foreign keys that name a requester are foreign keys to t_caver', async () => {
    const keys = await queryDatabase<{ name: string }>(
      url,
      `SELECT conname AS name FROM pg_constraint
        WHERE contype = 'f' AND confrelid = 't_caver'::regclass AND conname = ANY($1::text[])`,
      [[...REQUESTER_FOREIGN_KEYS]],
    );
    assert.deepEqual(keys.map((key) => key.name).sort(), [...REQUESTER_FOREIGN_KEYS].sort());
  });
});

describe("Foundation: the data layer's reads of pg-boss's tables", () => {
  const suite = useTestService();

  it('were written against the schema version the installed pg-boss creates', async () => {
    const { pool, settings } = suite.app.service;
    assert.equal(await readQueueSchemaVersion(pool, settings.queue.schema), PG_BOSS_SCHEMA_VERSION);
  });

  it("wake a queue's workers on the very channel pg-boss listens on, with the queue as payload", async () => {
    const { pool, settings } = suite.app.service;
    const { notifyChannelSql } = (await import('pg-boss/dist/plans.js')) as {
      notifyChannelSql(schema: string): string;
    };
    const listener = await pool.connect();
    try {
      const [{ channel }] = (
        await listener.query(`SELECT ${notifyChannelSql(settings.queue.schema)} AS channel`)
      ).rows;
      await listener.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      const received = new Promise<string | undefined>((resolve) =>
        listener.once('notification', (message) => resolve(message.payload)),
      );
      await wakeQueueWorkers(pool, settings.queue.schema, QUEUES.chunk);
      assert.equal(await received, QUEUES.chunk);
    } finally {
      await listener.query('UNLISTEN *');
      listener.release();
    }
  });
});
