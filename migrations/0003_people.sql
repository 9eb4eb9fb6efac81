-- Up Migration
-- Cavers are people: users (with a mail and a password hash) and authors created by imports
-- (nickname only).

CREATE TABLE t_caver (
  id serial PRIMARY KEY,
  nickname varchar(200) NOT NULL,
  name varchar(100),
  surname varchar(100),
  mail varchar(320),
  password varchar(200),
  id_language char(3) NOT NULL DEFAULT 'eng' REFERENCES t_language (id),
  date_inscription timestamptz NOT NULL DEFAULT now(),
  date_last_connection timestamptz,
  CONSTRAINT t_caver_user_has_mail CHECK (password IS NULL OR mail IS NOT NULL)
);

-- Mails are compared case-insensitively: one account per address.
CREATE UNIQUE INDEX t_caver_mail_key ON t_caver (lower(mail)) WHERE mail IS NOT NULL;

-- Import authors are found by nickname and created at most once, even when chunks of several
-- batches run at the same time: this index is what makes that true.
CREATE UNIQUE INDEX t_caver_author_nickname_key ON t_caver (nickname) WHERE mail IS NULL;
CREATE INDEX t_caver_nickname_idx ON t_caver (nickname);

CREATE TABLE j_caver_group (
  id_caver integer NOT NULL REFERENCES t_caver (id) ON DELETE CASCADE,
  id_group integer NOT NULL REFERENCES t_group (id),
  PRIMARY KEY (id_caver, id_group)
);

-- Down Migration
DROP TABLE j_caver_group, t_caver;
