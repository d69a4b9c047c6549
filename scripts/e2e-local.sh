#!/usr/bin/env bash
# The brokerage-day scenario against a real `propertypro run` over HTTP (make e2e-local).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/platform.sh
start_platform "${E2E_DIR:-/var/tmp/propertypro-e2e}" "${E2E_PORT:-18098}"
read -r E2E_ADMIN_EMAIL E2E_ADMIN_PASSWORD < <(create_admin e2e)
export E2E_ADMIN_EMAIL E2E_ADMIN_PASSWORD E2E_BASE_URL="http://127.0.0.1:$PORT"
go test -count=1 -run 'TestBrokerageDay' ./test/e2e/ -v 2>&1 | tail -20
