#!/usr/bin/env bash
# What `make demo` runs: the embedded default on a local Postgres under .refarch/.
# The data stays under .refarch/pg between runs; an empty database is seeded once.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

log "building"
swift build --product refarch-tui
BIN="$(swift build --show-bin-path)/refarch-tui"

trap '"$ROOT/scripts/pg.sh" stop pg || true' EXIT
DATABASE_URL=$("$ROOT/scripts/pg.sh" start pg); export DATABASE_URL
export REFARCH_MODEL_DIR="$STATE/models/all-MiniLM-L6-v2"

"$BIN" db migrate
if [ "$("$BIN" products count)" = 0 ]; then
  "$BIN" db seed --count "${DEMO_PRODUCTS:-10000}" --seed 1
fi
"$BIN" products list --limit 40
cat <<TXT

The catalog is in .refarch/pg (kept for the next run). To index it and search it:
  export DATABASE_URL=\$(scripts/pg.sh start pg)
  $BIN run-local &          # pelican + emu: embeds every product into the local index
  $BIN verify               # missing 0, stale 0 once indexing is done
  $BIN search "something to keep coffee hot on a commute"
  scripts/pg.sh stop pg
TXT
