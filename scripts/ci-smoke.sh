#!/usr/bin/env bash
# CI: start the service with `npm start` on a fresh embedded database, run the smoke script
# against it, then stop it with SIGTERM and check that it stops cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
# As root the embedded PostgreSQL runs as a separate user, who must be able to reach its folder.
chmod 755 "$work"
export TOKEN_SALT="ci-smoke-$(date +%s)-$RANDOM"
export PORT=${SMOKE_PORT:-13370}
export EMBEDDED_PG_PORT=${SMOKE_PG_PORT:-54339}
export EMBEDDED_PG_DIR="$work/postgres"
export LOCAL_UPLOADS_DIR="$work/uploads"
export BASE_URL="http://127.0.0.1:$PORT"
export PUBLIC_URL="$BASE_URL"

if curl -fsS "$BASE_URL/api/v1/health" >/dev/null 2>&1; then
  echo "Something already answers on $BASE_URL: stop it, or set SMOKE_PORT." >&2
  exit 1
fi

# In a process group of its own, so a signal reaches npm and the node process it starts alike.
setsid npm start >"$work/server.log" 2>&1 &
server=$!
running() { pgrep -g "$server" >/dev/null 2>&1; }
cleanup() {
  kill -KILL -- "-$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 60); do
  curl -fsS "$BASE_URL/api/v1/health" >/dev/null 2>&1 && break
  sleep 1
done
if ! curl -fsS "$BASE_URL/api/v1/health" >/dev/null 2>&1; then
  echo "The server did not become healthy within 60 s:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
grep -q "Development administrator created" "$work/server.log" || { echo "no dev admin printed" >&2; exit 1; }

bash scripts/test-async-import.sh

kill -TERM -- "-$server"
for _ in $(seq 1 30); do running || break; sleep 1; done
if running; then
  echo "npm start did not stop within 30 s of SIGTERM:" >&2
  tail -20 "$work/server.log" >&2
  exit 1
fi
grep -q "SIGTERM received: stopping" "$work/server.log" || { echo "the server did not handle SIGTERM" >&2; exit 1; }
echo "Server stopped cleanly."
