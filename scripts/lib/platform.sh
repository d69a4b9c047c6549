# Sourced by scripts that need a fresh local platform: start_platform DIR PORT starts
# `propertypro run` on a new private database under DIR and waits until it is ready;
# create_admin prints "email password" of a new admin. Everything stops when the script exits.

start_platform() {
  local base=$1
  export PORT=$2 LOCAL_DIR="$base/state"
  mkdir -p "$base" && chmod 755 "$base"
  if [ -x "$base/propertypro" ]; then "$base/propertypro" db stop >/dev/null 2>&1 || true; fi
  rm -rf "$LOCAL_DIR" && mkdir -p "$LOCAL_DIR"
  go build -o "$base/propertypro" ./cmd/propertypro
  PP="$base/propertypro"
  "$PP" run >"$base/run.log" 2>&1 &
  RUN_PID=$!
  trap 'kill $RUN_PID 2>/dev/null; wait $RUN_PID 2>/dev/null || true; "$PP" db stop >/dev/null 2>&1 || true' EXIT
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && return 0
    kill -0 $RUN_PID 2>/dev/null || { cat "$base/run.log"; return 1; }
    sleep 0.5
  done
  echo "the platform did not become ready in 60 s" >&2
  cat "$base/run.log" >&2
  return 1
}

create_admin() {
  local email="admin-$(date +%s)-$RANDOM@$1.propertypro.dev" password="pw-$RANDOM$RANDOM$RANDOM"
  "$PP" users create --brokerage "$1 $(date +%s)" --email "$email" --password "$password" --role admin >/dev/null
  echo "$email $password"
}
