#!/usr/bin/env bash
# The Docker-free local AWS: a moto server on loopback with the manifest's buckets and queues.
#
#   localstack/moto.sh start    install moto if missing, start it, provision (again if running)
#   localstack/moto.sh stop     stop the server this script started
#   localstack/moto.sh status   say whether it answers (exit 0) or not (exit 3)
#
# MOTO_PORT (default 4566) picks the port. The pid and log (one pair per port) live in
# .local/moto/ at the repository root, so the script works from any directory and needs no input.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.local/moto"
PORT="${MOTO_PORT:-4566}"
PIDFILE="$STATE/moto-$PORT.pid"
LOG="$STATE/moto-$PORT.log"
ENDPOINT="http://127.0.0.1:$PORT"
# Pinned so that every machine runs the emulator the tests were written against.
MOTO_SPEC="${MOTO_SPEC:-moto[server]==5.2.1}"

say() { printf 'moto: %s\n' "$*" >&2; }

# answers is true when something speaks HTTP on the port (any status counts: moto answers 200
# or 404 depending on the path, and both prove it is up).
answers() {
	if command -v curl >/dev/null; then
		curl -s -o /dev/null --max-time 2 "$ENDPOINT/moto-api/" 2>/dev/null
	else
		python3 -c 'import sys, urllib.request, urllib.error
try: urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError: pass' "$ENDPOINT/moto-api/" 2>/dev/null
	fi
}

# ourpid prints the pid of the server this script started, if it is still alive.
ourpid() {
	[[ -f "$PIDFILE" ]] || return 1
	local pid
	pid="$(cat "$PIDFILE")"
	[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
	grep -qa moto "/proc/$pid/cmdline" 2>/dev/null || return 1
	echo "$pid"
}

# moto_bin finds moto_server on PATH or in the project's own virtualenv, installing it there
# when missing (a virtualenv because Debian's Python refuses system-wide pip installs).
moto_bin() {
	if command -v moto_server >/dev/null; then command -v moto_server; return; fi
	local venv="$STATE/venv"
	if [[ ! -x "$venv/bin/moto_server" ]]; then
		say "installing $MOTO_SPEC into $venv"
		if python3 -m venv "$venv" >&2 2>&1; then
			"$venv/bin/pip" install --quiet "$MOTO_SPEC" >&2
		else
			say "python3 -m venv failed; installing with pip instead"
			rm -rf "$venv"
			python3 -m pip install --quiet "$MOTO_SPEC" >&2 ||
				python3 -m pip install --quiet --break-system-packages "$MOTO_SPEC" >&2
			command -v moto_server && return
		fi
	fi
	echo "$venv/bin/moto_server"
}

wait_until_up() {
	local pid="$1"
	for _ in $(seq 1 60); do
		answers && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			say "server exited; last lines of $LOG:"
			tail -n 20 "$LOG" >&2
			return 1
		fi
		sleep 0.5
	done
	say "no answer on $ENDPOINT after 30s; see $LOG"
	return 1
}

provision() {
	export PATH="$PATH:/usr/local/go/bin"
	say "provisioning the manifest's buckets and queues at $ENDPOINT"
	(cd "$ROOT" && AWS_ENDPOINT_URL="$ENDPOINT" go run ./localstack/provision)
}

start() {
	mkdir -p "$STATE"
	if answers; then
		ourpid >/dev/null || say "something already answers on $ENDPOINT; using it"
	else
		local bin
		bin="$(moto_bin)"
		say "starting $bin on $ENDPOINT (log: $LOG)"
		# setsid detaches the server from this shell so that it outlives the caller's session.
		setsid "$bin" -H 127.0.0.1 -p "$PORT" >>"$LOG" 2>&1 </dev/null &
		echo $! >"$PIDFILE"
		wait_until_up "$!"
	fi
	provision
	say "ready: export AWS_ENDPOINT_URL=$ENDPOINT"
}

stop() {
	local pid
	if ! pid="$(ourpid)"; then
		say "not running (no live pid in $PIDFILE)"
		rm -f "$PIDFILE"
		return 0
	fi
	kill "$pid"
	for _ in $(seq 1 20); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
	rm -f "$PIDFILE"
	say "stopped (pid $pid)"
}

status() {
	local pid
	if answers; then
		if pid="$(ourpid)"; then say "running on $ENDPOINT (pid $pid)"; else say "something answers on $ENDPOINT (not started by this script)"; fi
		return 0
	fi
	say "not answering on $ENDPOINT"
	return 3
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
