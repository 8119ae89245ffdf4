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
