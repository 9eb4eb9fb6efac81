-- Up Migration
-- The cave data an import writes: only the columns the import needs, plus ids, dates and
-- soft-delete flags, with Grottocenter's names.

CREATE TABLE t_cave (
  id serial PRIMARY KEY,
  id_author integer REFERENCES t_caver (id),
  id_reviewer integer REFERENCES t_caver (id),
  date_inscription timestamptz NOT NULL DEFAULT now(),
  date_reviewed timestamptz,
  length integer,
  depth integer,
  latitude numeric(24, 20),
  longitude numeric(24, 20),
  is_diving boolean NOT NULL DEFAULT false,
  is_deleted boolean NOT NULL DEFAULT false,
  id_job_batch uuid REFERENCES t_job_batch (id)
);

CREATE TABLE t_entrance (
  id serial PRIMARY KEY,
  -- Deferred: an import inserts the entrance first, to learn whether its import key is free,
  -- then the cave it belongs to, in the same transaction.
  id_cave integer REFERENCES t_cave (id) DEFERRABLE INITIALLY DEFERRED,
  id_author integer REFERENCES t_caver (id),
  id_reviewer integer REFERENCES t_caver (id),
  id_country char(2) REFERENCES t_country (iso),
  latitude numeric(24, 20),
  longitude numeric(24, 20),
  altitude integer,
  precision integer,
  id_db_import varchar(100),
  name_db_import varchar(200),
  date_inscription timestamptz NOT NULL DEFAULT now(),
  date_reviewed timestamptz,
  is_sensitive boolean NOT NULL DEFAULT false,
  is_deleted boolean NOT NULL DEFAULT false,
  id_job_batch uuid REFERENCES t_job_batch (id)
);

-- The import key: no two non-deleted entrances share it. Imports rely on it to be idempotent
-- and to classify concurrent rows as duplicates.
CREATE UNIQUE INDEX t_entrance_import_key ON t_entrance (id_db_import, name_db_import)
  WHERE NOT is_deleted AND id_db_import IS NOT NULL;
CREATE INDEX t_entrance_cave_idx ON t_entrance (id_cave);

CREATE TABLE t_name (
  id serial PRIMARY KEY,
  name varchar(200) NOT NULL,
  id_language char(3) NOT NULL REFERENCES t_language (id),
  id_author integer REFERENCES t_caver (id),
  is_main boolean NOT NULL DEFAULT false,
  id_cave integer REFERENCES t_cave (id),
  id_entrance integer REFERENCES t_entrance (id),
  id_massif integer,
  id_point integer,
  id_grotto integer,
  date_inscription timestamptz NOT NULL DEFAULT now(),
  date_reviewed timestamptz,
  is_deleted boolean NOT NULL DEFAULT false,
  id_job_batch uuid REFERENCES t_job_batch (id),
  CONSTRAINT t_name_one_owner CHECK (num_nonnulls(id_cave, id_entrance, id_massif, id_point, id_grotto) = 1)
);
CREATE INDEX t_name_cave_idx ON t_name (id_cave);
CREATE INDEX t_name_entrance_idx ON t_name (id_entrance);

CREATE TABLE t_description (
  id serial PRIMARY KEY,
  title varchar(300),
  body text,
  id_language char(3) NOT NULL REFERENCES t_language (id),
  id_author integer REFERENCES t_caver (id),
  id_license integer REFERENCES t_license (id),
  id_entrance integer REFERENCES t_entrance (id),
  id_cave integer REFERENCES t_cave (id),
  date_inscription timestamptz NOT NULL DEFAULT now(),
  date_reviewed timestamptz,
  is_deleted boolean NOT NULL DEFAULT false,
  id_job_batch uuid REFERENCES t_job_batch (id)
);
CREATE INDEX t_description_entrance_idx ON t_description (id_entrance);

CREATE TABLE t_location (
  id serial PRIMARY KEY,
  title varchar(300),
  body text NOT NULL,
  id_language char(3) NOT NULL REFERENCES t_language (id),
  id_author integer REFERENCES t_caver (id),
  id_license integer REFERENCES t_license (id),
  id_entrance integer NOT NULL REFERENCES t_entrance (id),
  date_inscription timestamptz NOT NULL DEFAULT now(),
  date_reviewed timestamptz,
  is_deleted boolean NOT NULL DEFAULT false,
  id_job_batch uuid REFERENCES t_job_batch (id)
);
CREATE INDEX t_location_entrance_idx ON t_location (id_entrance);

CREATE TABLE t_entrance_duplicate (
  id serial PRIMARY KEY,
  content jsonb NOT NULL,
  id_entrance integer NOT NULL REFERENCES t_entrance (id),
  id_author integer REFERENCES t_caver (id),
  date_inscription timestamptz NOT NULL DEFAULT now(),
  id_job_batch uuid REFERENCES t_job_batch (id)
);
CREATE INDEX t_entrance_duplicate_entrance_idx ON t_entrance_duplicate (id_entrance);
CREATE INDEX t_entrance_duplicate_batch_idx ON t_entrance_duplicate (id_job_batch);

-- Down Migration
DROP TABLE t_entrance_duplicate, t_location, t_description, t_name, t_entrance, t_cave;
