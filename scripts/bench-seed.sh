#!/usr/bin/env bash
# Seeding benchmark: `db seed --count 100000` into an empty, migrated database (release build),
# three runs, each on a fresh database of the throwaway cluster.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
swift build -c release --product refarch-tui >/dev/null
BIN="$(swift build -c release --show-bin-path)/refarch-tui"
trap '"$ROOT/scripts/pg.sh" destroy bench-pg >/dev/null 2>&1 || true' EXIT
URL=$("$ROOT/scripts/pg.sh" start bench-pg)
. "$STATE/bench-pg/env"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
for run in 1 2 3; do
  as_pg_user "$PG_BIN/psql" -h "$PGSOCK" -p "$PGPORT" -U refarch -d postgres -qc "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS seedbench" -c "CREATE DATABASE seedbench"
  DB="${URL%/*}/seedbench"
  "$BIN" db migrate --database-url "$DB" >/dev/null
  "$BIN" db seed --count "${COUNT:-100000}" --database-url "$DB"
done
