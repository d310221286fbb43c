#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the PostgreSQL store's tests: listens only on 127.0.0.1:54329, trusts the
# test role `signalminer`, takes TLS (a self-signed certificate) or plain connections, keeps its data in a
# temporary directory.
#   scripts/test-postgres.sh start     initdb (first time) and start; prints the URL for SIGNALMINER_TEST_POSTGRES_URL
#   scripts/test-postgres.sh stop      stop and delete the cluster
#   scripts/test-postgres.sh restart   restart the running cluster (fast shutdown: connections are cut), data kept
# Run as root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
PORT="${SIGNALMINER_PG_PORT:-54329}"
DIR="${SIGNALMINER_PG_DIR:-/tmp/signalminer-test-postgres}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$BIN/initdb" ] || { echo "test-postgres.sh: no /usr/lib/postgresql/*/bin/initdb; install Debian's postgresql" >&2; exit 1; }
URL="postgresql://signalminer@127.0.0.1:$PORT/signalminer"

# The server outlives this script: it must not keep the caller's descriptors open (a caller waiting for EOF on one,
# as command substitution and Foundation's Process do, would wait for the server to stop).
close_inherited_fds() {
  local fd
  for fd in $(ls /proc/$$/fd); do
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$DIR/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; }

start() {
  if ! [ -f "$DIR/data/PG_VERSION" ]; then
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --no-sync -E UTF8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    # A self-signed certificate, so that `sslmode=require` can be tested (plain connections stay allowed).
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -keyout "$DIR/data/server.key" \
      -out "$DIR/data/server.crt" >"$DIR/openssl.log" 2>&1 || { cat "$DIR/openssl.log" >&2; exit 1; }
    chmod 600 "$DIR/data/server.key"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR/data/server.key" "$DIR/data/server.crt"
  fi
  if ! running; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=100 -c ssl=on" start >/dev/null \
      || { tail -20 "$DIR/server.log" >&2; exit 1; }
  fi
  local psql=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'signalminer'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE signalminer LOGIN" -c "CREATE DATABASE signalminer OWNER signalminer"
  fi
  echo "$URL"
}

stop() {
  if running; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null; fi
  rm -rf "$DIR"
}

restart() {
  running || { echo "test-postgres.sh: no cluster running in $DIR; use start" >&2; exit 1; }
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -m fast -w -t 30 restart >/dev/null || { tail -20 "$DIR/server.log" >&2; exit 1; }
  echo "$URL"
}

close_inherited_fds
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
