-- Up Migration
-- Reference tables of the Grottocenter data model. Their rows are seeded by 0002.

CREATE TABLE t_group (
  id integer PRIMARY KEY,
  name varchar(50) NOT NULL UNIQUE
);

CREATE TABLE t_language (
  id char(3) PRIMARY KEY,           -- ISO 639-3
  part1 char(2),                    -- ISO 639-1, when the language has one
  ref_name varchar(150) NOT NULL,
  is_prefered boolean NOT NULL DEFAULT false
);

CREATE TABLE t_country (
  iso char(2) PRIMARY KEY,          -- ISO 3166-1 alpha-2
  iso3 char(3) NOT NULL UNIQUE,
  name varchar(100) NOT NULL
);

CREATE TABLE t_license (
  id serial PRIMARY KEY,
  name varchar(100) NOT NULL UNIQUE,
  url varchar(300),
  is_copyrighted boolean NOT NULL DEFAULT false
);

CREATE TABLE t_notification_type (
  id integer PRIMARY KEY,
  name varchar(50) NOT NULL UNIQUE
);

INSERT INTO t_group (id, name) VALUES
  (1, 'Administrator'), (2, 'Moderator'), (3, 'User'), (4, 'Visitor'), (5, 'Leader');

INSERT INTO t_license (name, url) VALUES
  ('CC-BY-SA', 'https://creativecommons.org/licenses/by-sa/4.0/'),
  ('CC-BY', 'https://creativecommons.org/licenses/by/4.0/'),
  ('ODBL', 'https://opendatacommons.org/licenses/odbl/'),
  ('ODC-BY', 'https://opendatacommons.org/licenses/by/'),
  ('Licence Ouverte', 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/'),
  ('CC-BY-NC-ND', 'https://creativecommons.org/licenses/by-nc-nd/4.0/'),
  ('CC BY NC', 'https://creativecommons.org/licenses/by-nc/4.0/'),
  ('CC BY ND', 'https://creativecommons.org/licenses/by-nd/4.0/'),
  ('CC BY NC SA', 'https://creativecommons.org/licenses/by-nc-sa/4.0/');

INSERT INTO t_notification_type (id, name) VALUES
  (1, 'CREATE'), (2, 'UPDATE'), (3, 'DELETE'), (4, 'VALIDATE'),
  (5, 'PERMANENT_DELETE'), (6, 'RESTORE'), (7, 'REJECT'), (8, 'IMPORT_COMPLETE');

-- Down Migration
DROP TABLE t_notification_type, t_license, t_country, t_language, t_group;
