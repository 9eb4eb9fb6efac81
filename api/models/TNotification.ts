/** t_notification through Waterline, for the notifications endpoints; a test checks it against the table. */
export = {
  tableName: 't_notification',
  primaryKey: 'id',
  attributes: {
    id: { type: 'number', autoIncrement: true },
    date_inscription: { type: 'ref', columnType: 'timestamptz' },
    date_read_at: { type: 'ref', columnType: 'timestamptz' },
    id_notification_type: { type: 'number', columnType: 'integer' },
    id_notifier: { type: 'number', columnType: 'integer' },
    id_notified: { type: 'number', columnType: 'integer' },
    id_job_batch: { type: 'string', allowNull: true, columnType: 'uuid' },
  },
};
