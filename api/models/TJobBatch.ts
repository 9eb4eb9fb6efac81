import { BATCH_STATUSES } from '../lib/core/types';

/**
 * t_job_batch through Waterline, for the jobs endpoints. Attribute names are the column names, so a
 * record has the shape of the rows the pipeline reads with SQL (BatchRow, api/lib/db/sql/batches.ts);
 * a test checks every attribute against the table's real columns.
 */
export = {
  tableName: 't_job_batch',
  primaryKey: 'id',
  attributes: {
    id: { type: 'string', required: true, columnType: 'uuid' },
    type: { type: 'string', columnType: 'varchar(50)' },
    status: { type: 'string', isIn: Object.values(BATCH_STATUSES) },
    id_initiator: { type: 'number', columnType: 'integer' },
    created_at: { type: 'ref', columnType: 'timestamptz' },
    completed_at: { type: 'ref', columnType: 'timestamptz' },
    total_rows: { type: 'number', columnType: 'integer' },
    chunk_size: { type: 'number', columnType: 'integer' },
    total_chunks: { type: 'number', columnType: 'integer' },
    completed_chunks: { type: 'number', columnType: 'integer' },
    successes: { type: 'number', columnType: 'integer' },
    duplicates: { type: 'number', columnType: 'integer' },
    failures: { type: 'number', columnType: 'integer' },
    result: { type: 'json', columnType: 'jsonb' },
    columns: { type: 'json', columnType: 'jsonb' },
    cancelled_at: { type: 'ref', columnType: 'timestamptz' },
    id_canceller: { type: 'number', columnType: 'integer', allowNull: true },
    reverted_at: { type: 'ref', columnType: 'timestamptz' },
    id_reverter: { type: 'number', columnType: 'integer', allowNull: true },
  },
};
