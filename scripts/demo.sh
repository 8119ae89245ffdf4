#!/usr/bin/env bash
# What `make demo` runs: the embedded default on a local Postgres under .refarch/, with
# pelican + emu (run-local) in the background and the console in the foreground.
# The data stays under .refarch/pg between runs; an empty database is seeded once.
# Every way out stops the workers (they remove their heartbeat rows) and this Postgres:
# quitting the console, ctrl-c, SIGTERM, and SIGHUP when the terminal window is closed.
#
# For tests: REFARCH_STATE_DIR moves the state (cluster, logs) elsewhere, REFARCH_DEMO_BIN
# names a built binary (no build), DEMO_PRODUCTS sets how many products to seed.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

if [ -n "${REFARCH_DEMO_BIN:-}" ]; then
  BIN="$REFARCH_DEMO_BIN"
else
  log "building"
  swift build --product refarch-tui "${DEBUG_BUILD_FLAGS[@]}"
  BIN="$(swift build --show-bin-path)/refarch-tui"
fi
export REFARCH_STATE_DIR="$STATE"
mkdir -p "$STATE/logs"

# True while $1 runs (a child that exited but is not yet reaped is a zombie: not running).
is_running() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

WORKERS_PID=""
STOPPED=""
# Stops the workers (SIGTERM: they finish the batch in hand and remove their heartbeat rows;
# SIGKILL after 60 s), then Postgres. Runs once, however the demo ends. After a hang-up
# the terminal is gone, so what it says goes to .refarch/logs/demo.log instead.
cleanup() {
  set +e
  [ -z "$STOPPED" ] || return 0
  STOPPED=1
  if [ "${1:-}" = HUP ]; then exec >>"$STATE/logs/demo.log" 2>&1; log "$(date -u +%FT%TZ) the terminal closed"; fi
  if [ -n "$WORKERS_PID" ] && is_running "$WORKERS_PID"; then
    log "stopping the workers"
    kill -TERM "$WORKERS_PID" 2>/dev/null
    local tenths=0
    while is_running "$WORKERS_PID" && [ "$tenths" -lt 600 ]; do sleep 0.1; tenths=$((tenths + 1)); done
    if is_running "$WORKERS_PID"; then
      log "the workers did not stop within 60 s: killing them"
      kill -KILL "$WORKERS_PID" 2>/dev/null
    fi
  fi
  [ -z "$WORKERS_PID" ] || wait "$WORKERS_PID" 2>/dev/null
  log "stopping Postgres"
  "$ROOT/scripts/pg.sh" stop pg
}
trap cleanup EXIT
trap 'cleanup HUP; exit 129' HUP
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

DATABASE_URL=$("$ROOT/scripts/pg.sh" start pg); export DATABASE_URL
export REFARCH_MODEL_DIR="${REFARCH_MODEL_DIR:-$STATE/models/all-MiniLM-L6-v2}"

"$BIN" db migrate
if [ "$("$BIN" products count)" = 0 ]; then
  "$BIN" db seed --count "${DEMO_PRODUCTS:-10000}" --seed 1
fi

log "starting pelican + emu (log: $STATE/logs/run-local.log)"
"$BIN" run-local >>"$STATE/logs/run-local.log" 2>&1 &
WORKERS_PID=$!

if [ ! -t 0 ] || [ ! -t 1 ]; then
  log "not a terminal: the console needs one. The workers index the catalog; stop with ctrl-c."
  wait "$WORKERS_PID"
  exit 0
fi
"$BIN" console
