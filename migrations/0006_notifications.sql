-- Up Migration

CREATE TABLE t_notification (
  id serial PRIMARY KEY,
  date_inscription timestamptz NOT NULL DEFAULT now(),
  date_read_at timestamptz,
  id_notification_type integer NOT NULL REFERENCES t_notification_type (id),
  id_notifier integer NOT NULL REFERENCES t_caver (id),
  id_notified integer NOT NULL REFERENCES t_caver (id),
  id_job_batch uuid REFERENCES t_job_batch (id) ON DELETE CASCADE,
  id_cave integer REFERENCES t_cave (id),
  id_entrance integer REFERENCES t_entrance (id),
  id_comment integer,
  id_description integer REFERENCES t_description (id),
  id_document integer,
  id_location integer REFERENCES t_location (id),
  id_massif integer,
  id_organization integer,
  id_rigging integer,
  id_history integer
);

CREATE INDEX t_notification_notified_idx ON t_notification (id_notified, date_inscription DESC);

-- One completion notice per batch and kind: the aggregator may run twice after a crash, the
-- database keeps the notice single.
CREATE UNIQUE INDEX t_notification_batch_type_key ON t_notification (id_job_batch, id_notification_type)
  WHERE id_job_batch IS NOT NULL;

-- Down Migration
DROP TABLE t_notification;
