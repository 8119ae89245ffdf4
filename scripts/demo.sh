#!/usr/bin/env bash
# What `make demo` runs: the embedded default on a local Postgres under .refarch/, with
# pelican + emu (run-local) in the background and the console in the foreground.
# The data stays under .refarch/pg between runs; an empty database is seeded once.
# Quitting the console stops the workers and this Postgres.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

log "building"
swift build --product refarch-tui "${DEBUG_BUILD_FLAGS[@]}"
BIN="$(swift build --show-bin-path)/refarch-tui"

WORKERS_PID=""
cleanup() {
  if [ -n "$WORKERS_PID" ] && kill -0 "$WORKERS_PID" 2>/dev/null; then
    log "stopping the workers"
    kill -TERM "$WORKERS_PID" 2>/dev/null || true
    wait "$WORKERS_PID" 2>/dev/null || true
  fi
  "$ROOT/scripts/pg.sh" stop pg || true
}
trap cleanup EXIT

DATABASE_URL=$("$ROOT/scripts/pg.sh" start pg); export DATABASE_URL
export REFARCH_MODEL_DIR="$STATE/models/all-MiniLM-L6-v2"

"$BIN" db migrate
if [ "$("$BIN" products count)" = 0 ]; then
  "$BIN" db seed --count "${DEMO_PRODUCTS:-10000}" --seed 1
fi

mkdir -p "$STATE/logs"
log "starting pelican + emu (log: .refarch/logs/run-local.log)"
"$BIN" run-local >>"$STATE/logs/run-local.log" 2>&1 &
WORKERS_PID=$!

if [ ! -t 0 ] || [ ! -t 1 ]; then
  log "not a terminal: the console needs one. The workers index the catalog; stop with ctrl-c."
  wait "$WORKERS_PID"
  exit 0
fi
"$BIN" console
