#!/usr/bin/env bash
# End-to-end smoke test against a running server (e.g. `npm start`):
#   TOKEN_SALT=<the server's salt> scripts/test-async-import.sh
# Generates 2000 rows (1700 fresh, 300 duplicates), submits them, polls with a progress line,
# downloads every report, checks the summary and the report row counts, prints a summary, and exits
# non-zero when anything does not add up.
#
#   BASE_URL       server to test (default http://localhost:1337)
#   TOKEN_SALT     required: the server's TOKEN_SALT, used to sign an administrator token
#   SMOKE_USER_ID  id of an administrator caver the token speaks for (default 1, the dev admin)
#   SMOKE_TIMEOUT_SECONDS  how long to wait for the batch to finish (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TOKEN_SALT:-}" ]; then
  echo "TOKEN_SALT is not set. Run with the server's salt: TOKEN_SALT=... $0" >&2
  exit 2
fi
BASE_URL="${BASE_URL:-http://localhost:1337}"
if ! curl -fsS "$BASE_URL/api/v1/health" >/dev/null; then
  echo "No healthy server at $BASE_URL (GET /api/v1/health failed). Start it with: TOKEN_SALT=... npm start" >&2
  exit 1
fi
exec npx --no-install tsx scripts/smoke-import.ts
