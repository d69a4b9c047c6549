#!/usr/bin/env bash
# chroma.sh start|stop|status — a local Chroma server for the Chroma adapter's tests and for
# running the platform against Chroma without Docker.
#
# The server keeps its data, pid and log under .local/chroma/ at the repo root. When `chroma`
# is not on PATH it is installed from PyPI into .local/chroma/venv, so the script works on a
# fresh machine with only Python. Every command is idempotent: start on a running server and
# stop on a stopped one succeed without doing anything.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CHROMA_DIR:-$ROOT/.local/chroma}"
HOST="${CHROMA_BIND_HOST:-127.0.0.1}"
PORT="${CHROMA_PORT:-8000}"
VERSION="${CHROMA_VERSION:-1.5.9}"
PIDFILE="$DIR/chroma.pid"
LOG="$DIR/chroma.log"
URL="http://$HOST:$PORT/api/v2/heartbeat"

heartbeat() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsS --max-time 2 "$URL" >/dev/null 2>&1
	else
		python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$URL" >/dev/null 2>&1
	fi
}

running_pid() {
	[[ -f "$PIDFILE" ]] || return 1
	local pid
	pid="$(cat "$PIDFILE")"
	[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

chroma_bin() {
	if command -v chroma >/dev/null 2>&1; then
		command -v chroma
		return
	fi
	if [[ ! -x "$DIR/venv/bin/chroma" ]]; then
		echo "installing chromadb==$VERSION into $DIR/venv" >&2
		mkdir -p "$DIR"
		python3 -m venv "$DIR/venv"
		"$DIR/venv/bin/pip" install --quiet --disable-pip-version-check "chromadb==$VERSION" >&2
	fi
	echo "$DIR/venv/bin/chroma"
}

start() {
	if heartbeat; then
		echo "chroma: already answering on $HOST:$PORT"
		return 0
	fi
	local bin
	bin="$(chroma_bin)"
	mkdir -p "$DIR/data"
	# setsid detaches the server from this shell so it outlives the script.
	setsid "$bin" run --path "$DIR/data" --host "$HOST" --port "$PORT" >>"$LOG" 2>&1 </dev/null &
	echo $! >"$PIDFILE"
	for _ in $(seq 1 120); do
		if heartbeat; then
			echo "chroma: started on $HOST:$PORT (pid $(cat "$PIDFILE"), log $LOG)"
			return 0
		fi
		if ! running_pid >/dev/null; then
			echo "chroma: server exited; last log lines:" >&2
			tail -n 20 "$LOG" >&2 || true
			return 1
		fi
		sleep 0.5
	done
	echo "chroma: no heartbeat after 60s; see $LOG" >&2
	return 1
}

stop() {
	local pid
	if pid="$(running_pid)"; then
		kill "$pid"
		for _ in $(seq 1 40); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.25
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
		echo "chroma: stopped (pid $pid)"
	else
		echo "chroma: not running"
	fi
	rm -f "$PIDFILE"
}

status() {
	if heartbeat; then
		echo "chroma: answering on $HOST:$PORT${PIDFILE:+ (pid $(running_pid || echo external))}"
		return 0
	fi
	echo "chroma: not answering on $HOST:$PORT"
	return 1
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
*)
	echo "usage: $0 start|stop|status" >&2
	exit 2
	;;
esac
