-- Up Migration
-- Login attempts, counted per address and per client address across every API process by
-- rate-limiter-flexible (RateLimiterPostgres), in the table layout that library reads and writes.
-- Keys are hashes, never the addresses themselves.

CREATE TABLE t_login_attempt (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

CREATE INDEX t_login_attempt_expire_idx ON t_login_attempt (expire);

-- Down Migration
DROP TABLE t_login_attempt;
