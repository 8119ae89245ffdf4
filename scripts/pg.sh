#!/usr/bin/env bash
# A throwaway Postgres 15 cluster under .refarch/: its own data dir, socket dir and a free
# port on 127.0.0.1, never the system-wide cluster.
#
#   scripts/pg.sh start [NAME]   start (initialising on first use); prints the conninfo
#   scripts/pg.sh stop  [NAME]   stop it (the data stays)
#   scripts/pg.sh destroy [NAME] stop it and delete its data
#   scripts/pg.sh url   [NAME]   print the conninfo of a running cluster
#   scripts/pg.sh restart NAME [SECONDS]
#                                stop it (fast: sessions are cut), stay down SECONDS (default 0),
#                                start it again on the same port; prints the conninfo
#
# NAME defaults to "pg" (the demo's cluster); tests use "test-pg".
source "$(dirname "$0")/lib.sh"

cmd=${1:-}; name=${2:-pg}
dir="$STATE/$name"; data="$dir/data"; sock="$dir/sock"; envfile="$dir/env"

is_running() { [ -f "$data/postmaster.pid" ] && as_pg_user "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() { . "$envfile"; echo "$DATABASE_URL"; }

# Starts the cluster on port $1, or on a free port.
start() {
  [ -x "$PG_BIN/initdb" ] || die "Postgres 15 is not installed ($PG_BIN/initdb missing): run 'make deps'."
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod 755 "$STATE" "$dir"; fi
  if is_running && [ -f "$envfile" ]; then url; return; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising a Postgres cluster in $data"
    as_pg_user mkdir -p "$data" "$sock"
    as_pg_user chmod 700 "$data"
    as_pg_user "$PG_BIN/initdb" -D "$data" -U refarch --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  as_pg_user mkdir -p "$sock"
  local port=${1:-}; [ -n "$port" ] || port=$(free_port)
  local opts="-c listen_addresses=127.0.0.1 -p $port -k $sock -c shared_buffers=256MB"
  # Test clusters: durability off, and room for every suite's pool at once (make test's
  # parallel suites hold about 290 connections at their peak, mostly idle in pools).
  if [ "$name" != pg ]; then
    opts="$opts -c max_connections=1000 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  else
    opts="$opts -c max_connections=300"
  fi
  as_pg_user "$PG_BIN/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 -o "$opts" start >/dev/null \
    || { tail -20 "$dir/postgres.log" >&2; die "Postgres did not start (log: $dir/postgres.log)"; }
  as_pg_user "$PG_BIN/psql" -h "$sock" -p "$port" -U refarch -d postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname='refarch'" | grep -q 1 \
    || as_pg_user "$PG_BIN/createdb" -h "$sock" -p "$port" -U refarch refarch
  echo "DATABASE_URL=postgresql://refarch@127.0.0.1:$port/refarch" >"$envfile"
  echo "PGPORT=$port" >>"$envfile"
  echo "PGSOCK=$sock" >>"$envfile"
  url
}

stop() {
  if is_running; then as_pg_user "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
  rm -f "$envfile"
}

restart() {
  is_running && [ -f "$envfile" ] || die "the $name cluster is not running: scripts/pg.sh start $name"
  local port; port=$(. "$envfile"; echo "$PGPORT")
  as_pg_user "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  sleep "${1:-0}"
  start "$port"
}

case "$cmd" in
  start) start ;;
  restart) restart "${3:-0}" ;;
  stop) stop ;;
  destroy) stop; rm -rf "$dir" ;;
  url) is_running || die "the $name cluster is not running: scripts/pg.sh start $name"; url ;;
  *) die "usage: scripts/pg.sh start|stop|destroy|url [NAME] | restart NAME [SECONDS]" ;;
esac
