#!/usr/bin/env bash
# What `make test` (and so CI) runs: build, start a fresh throwaway Postgres and the AWS
# emulator on free loopback ports, run every test against them, stop them again.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

log "building (debug, with tests)"
swift build --build-tests "${DEBUG_BUILD_FLAGS[@]}"

# Every process this run starts inherits this mark, so what is left at the end can be found.
export REFARCH_TEST_RUN="$$.$(date +%s%N)"
cleanup() {
  local status=$?
  set +e
  "$ROOT/scripts/moto.sh" stop || true
  "$ROOT/scripts/pg.sh" destroy test-pg || true
  # `make test` leaves no process behind: give stragglers 10 s, then name them and stop them.
  local left until=$((SECONDS + 10))
  left=$(marked_processes REFARCH_TEST_RUN "$REFARCH_TEST_RUN")
  while [ -n "$left" ] && [ "$SECONDS" -lt "$until" ]; do
    sleep 0.5
    left=$(marked_processes REFARCH_TEST_RUN "$REFARCH_TEST_RUN")
  done
  if [ -n "$left" ]; then
    printf 'error: the tests left these processes running (now killed):\n%s\n' "$left" >&2
    printf 'hint: a test must stop what it starts, on failure paths too.\n' >&2
    printf '%s\n' "$left" | while read -r pid _; do kill -KILL "$pid" 2>/dev/null || true; done
    [ "$status" -ne 0 ] || status=1
  fi
  exit "$status"
}
trap cleanup EXIT
"$ROOT/scripts/pg.sh" destroy test-pg >/dev/null 2>&1 || true

export REFARCH_MAKE_TEST=1
REFARCH_TEST_DATABASE_URL=$("$ROOT/scripts/pg.sh" start test-pg); export REFARCH_TEST_DATABASE_URL
REFARCH_TEST_AWS_ENDPOINT=$("$ROOT/scripts/moto.sh" start); export REFARCH_TEST_AWS_ENDPOINT
export REFARCH_MODEL_DIR="$STATE/models/all-MiniLM-L6-v2"
export REFARCH_PG_BIN="$PG_BIN" REFARCH_TEST_PG_DATA="$STATE/test-pg/data"
log "Postgres: $REFARCH_TEST_DATABASE_URL  AWS emulator: $REFARCH_TEST_AWS_ENDPOINT"

log "running the tests"
# A hung test must not hold CI for its whole budget.
swift_status=0
timeout --signal=INT --kill-after=30 1500 swift test --skip-build "${DEBUG_BUILD_FLAGS[@]}" "$@" || swift_status=$?

# The infra/ and Dockerfile tests (Python, offline, seconds) run whatever the Swift tests did,
# and a failure of either fails `make test`. Skipped when only some Swift tests are asked for.
infra_status=0
if [ $# -eq 0 ]; then "$ROOT/scripts/test-infra.sh" || infra_status=$?; fi
[ "$swift_status" = 0 ] || die "swift test failed (exit $swift_status)"
[ "$infra_status" = 0 ] || die "the infra tests failed (exit $infra_status)"
