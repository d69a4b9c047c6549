#!/usr/bin/env bash
# Property-based API testing: starts the local platform on a private port and database, signs
# in as an admin, and runs schemathesis against /openapi.json, failing on any 5xx response or
# any response that breaks the documented schema. Used by .ci/run (`make fuzz-api`).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${FUZZ_PORT:-18099}
BASE=${FUZZ_DIR:-/var/tmp/propertypro-fuzz}
# A fresh platform every run: login lock-outs and rows from the last run must not leak in.
export LOCAL_DIR="$BASE/state"
export PORT RATE_LIMIT_REQUESTS_PER_MINUTE=100000 RATE_LIMIT_LOGIN_ATTEMPTS=100 LOG_LEVEL=warn
MAX_TIME=${FUZZ_MAX_TIME:-180}
VENV="$BASE/venv"
mkdir -p "$BASE" && chmod 755 "$BASE"
if [ -d "$LOCAL_DIR/pg/data" ] && [ -x "$BASE/propertypro" ]; then "$BASE/propertypro" db stop >/dev/null 2>&1 || true; fi
rm -rf "$LOCAL_DIR" && mkdir -p "$LOCAL_DIR"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==4.32.5"
fi

go build -o "$BASE/propertypro" ./cmd/propertypro
PP="$BASE/propertypro"
"$PP" run >"$LOCAL_DIR/run.log" 2>&1 &
RUN_PID=$!
trap 'kill $RUN_PID 2>/dev/null; wait $RUN_PID 2>/dev/null || true; "$PP" db stop >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 $RUN_PID 2>/dev/null || { cat "$LOCAL_DIR/run.log"; exit 1; }
  sleep 0.5
done

EMAIL="fuzz-$(date +%s)-$RANDOM@fuzz.propertypro.dev"
PASSWORD="fuzz-password-$RANDOM$RANDOM"
"$PP" users create --brokerage "Fuzz Brokerage" --email "$EMAIL" --password "$PASSWORD" --role admin >/dev/null
TOKEN=$(curl -fs "http://127.0.0.1:$PORT/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# Logout would end the session the rest of the run uses; it is covered by the Go tests.
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --exclude-operation-id auth-logout \
  --max-time "$MAX_TIME" --workers 2 --suppress-health-check all \
  --max-failures 20
