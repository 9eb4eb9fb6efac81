-- Up Migration
-- Entrance duplicates in Grottocenter's shape (SPEC 12.2), and what resolving them needs.
--
-- t_entrance_duplicate.content used to be the import's internal record (line, key, idDbImport,
-- nameDbImport, author nickname, country, latitude, …, name {text, language}, nameLanguage,
-- alternateName, caveLength, caveDepth, description {title, body, language, author},
-- location {body, language, author}). It becomes { "entrance": {…}, "nameDescLoc": {…} } as
-- api/lib/pipeline/duplicateContent.ts writes it. Add, fill, tighten; rows already in the new shape
-- are left as they are.

-- 1. Add.
-- The CSV line that recorded a duplicate: duplicates.csv gives each line its duplicate's id.
ALTER TABLE t_entrance_duplicate ADD COLUMN line integer;

-- An entrance a moderator creates from a duplicate takes no import key (the entrance it duplicated
-- keeps it) and no id_job_batch (an import did not write it): these say where it came from.
ALTER TABLE t_entrance
  ADD COLUMN origin_id_entrance integer REFERENCES t_entrance (id),
  ADD COLUMN origin_id_job_batch uuid REFERENCES t_job_batch (id);

-- 2. Fill: convert the rows of the old shape.
-- A caver's id by nickname, as the import finds it (the oldest caver with that nickname); null when
-- there is none: the author is then found or created when a moderator resolves the duplicate.
CREATE FUNCTION pg_temp.caver_id(nickname text) RETURNS integer LANGUAGE sql STABLE AS
  $$ SELECT id FROM t_caver WHERE nickname = $1 ORDER BY id LIMIT 1 $$;

WITH old AS (
  SELECT d.id,
         d.content AS o,
         -- A Karstlink date is stored as Grottocenter stores it (ISO 8601, midnight UTC); a row
         -- without one is dated by the import that recorded it.
         COALESCE((d.content ->> 'dateInscription') || 'T00:00:00.000Z',
                  to_char(d.date_inscription AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS day,
         (SELECT e.id_cave FROM t_entrance e WHERE e.id = d.id_entrance) AS cave
    FROM t_entrance_duplicate d
   WHERE NOT COALESCE(jsonb_typeof(d.content -> 'entrance') = 'object'
                      AND jsonb_typeof(d.content -> 'nameDescLoc') = 'object', false)
)
UPDATE t_entrance_duplicate d
   SET line = COALESCE(d.line, CASE WHEN jsonb_typeof(old.o -> 'line') = 'number' THEN (old.o ->> 'line')::int END),
       content = jsonb_build_object(
         'entrance', jsonb_build_object(
           'author', pg_temp.caver_id(old.o ->> 'author'),
           'authorNickname', old.o -> 'author',
           'country', old.o -> 'country',
           'precision', old.o -> 'precision',
           'altitude', old.o -> 'altitude',
           'latitude', old.o -> 'latitude',
           'longitude', old.o -> 'longitude',
           'cave', old.cave,
           'dateInscription', old.day,
           'dateReviewed', (old.o ->> 'dateReviewed') || 'T00:00:00.000Z',
           'isOfInterest', false,
           'idDbImport', old.o -> 'idDbImport',
           'nameDbImport', old.o -> 'nameDbImport',
           'geology', 'Q35758',
           'caveLength', old.o -> 'caveLength',
           'caveDepth', old.o -> 'caveDepth'),
         'nameDescLoc',
           CASE WHEN jsonb_typeof(old.o -> 'name') = 'object' THEN jsonb_build_object('name', jsonb_build_object(
             'author', pg_temp.caver_id(old.o ->> 'author'),
             'authorNickname', old.o -> 'author',
             'text', old.o -> 'name' -> 'text',
             'language', old.o -> 'name' -> 'language',
             'dateInscription', old.day)) ELSE '{}'::jsonb END
           || CASE WHEN jsonb_typeof(old.o -> 'description') = 'object' THEN jsonb_build_object('description', jsonb_build_object(
             'author', pg_temp.caver_id(old.o -> 'description' ->> 'author'),
             'authorNickname', old.o -> 'description' -> 'author',
             'title', old.o -> 'description' -> 'title',
             'body', old.o -> 'description' -> 'body',
             'language', old.o -> 'description' -> 'language',
             'dateInscription', old.day,
             'license', old.o -> 'licenseId')) ELSE '{}'::jsonb END
           || CASE WHEN jsonb_typeof(old.o -> 'location') = 'object' THEN jsonb_build_object('location', jsonb_build_object(
             'author', pg_temp.caver_id(old.o -> 'location' ->> 'author'),
             'authorNickname', old.o -> 'location' -> 'author',
             'title', NULL,
             'body', old.o -> 'location' -> 'body',
             'language', old.o -> 'location' -> 'language',
             'dateInscription', old.day,
             'license', old.o -> 'licenseId')) ELSE '{}'::jsonb END
           || CASE WHEN jsonb_typeof(old.o -> 'alternateName') = 'string' THEN jsonb_build_object('alternateName', jsonb_build_object(
             'author', pg_temp.caver_id(old.o ->> 'author'),
             'authorNickname', old.o -> 'author',
             'text', old.o -> 'alternateName',
             'language', old.o -> 'nameLanguage',
             'dateInscription', old.day)) ELSE '{}'::jsonb END)
  FROM old
 WHERE d.id = old.id;

-- 3. Tighten: every content has Grottocenter's two parts, and a line records one duplicate.
ALTER TABLE t_entrance_duplicate ADD CONSTRAINT t_entrance_duplicate_content_shape
  CHECK (jsonb_typeof(content -> 'entrance') IS NOT DISTINCT FROM 'object'
         AND jsonb_typeof(content -> 'nameDescLoc') IS NOT DISTINCT FROM 'object');
CREATE UNIQUE INDEX t_entrance_duplicate_batch_line_key ON t_entrance_duplicate (id_job_batch, line)
  WHERE line IS NOT NULL;
CREATE INDEX t_entrance_duplicate_date_idx ON t_entrance_duplicate (date_inscription, id);
CREATE INDEX t_entrance_origin_idx ON t_entrance (origin_id_entrance) WHERE origin_id_entrance IS NOT NULL;

-- Down Migration
-- The contents stay in the new shape: the old one was internal and is not rebuilt.
DROP INDEX t_entrance_origin_idx;
DROP INDEX t_entrance_duplicate_date_idx;
DROP INDEX t_entrance_duplicate_batch_line_key;
ALTER TABLE t_entrance_duplicate DROP CONSTRAINT t_entrance_duplicate_content_shape;
ALTER TABLE t_entrance DROP COLUMN origin_id_entrance, DROP COLUMN origin_id_job_batch;
ALTER TABLE t_entrance_duplicate DROP COLUMN line;
