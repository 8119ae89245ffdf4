#!/usr/bin/env bash
# Pipeline benchmark (release build): indexing 10,000 seeded products on the embedded default
# and the embedding share of it, freshness of 200 single updates as a warm reader sees them
# (Postgres queue, then SQS FIFO in the AWS emulator on loopback), search latency over
# 200 queries (uncached, and with the query embedding cached), and a price-only UPDATE of every
# product against a description change of every product (RESYNC=0 skips that; it re-embeds the
# whole catalog). Figures go in the README. SQS=0 skips the emulator run; SCRATCH_PATH=.build-NAME
# builds in another folder than .build (a second checkout or worktree building at once).
# Last, BackPressureBench: emu into the Pinecone test server, unthrottled and throttled.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
flags=(-c release ${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
swift build "${flags[@]}" --product PipelineBench >/dev/null
BIN="$(swift build "${flags[@]}" --show-bin-path)/PipelineBench"
started_moto=
cleanup() {
  "$ROOT/scripts/pg.sh" destroy bench-pg >/dev/null 2>&1 || true
  if [ -n "$started_moto" ]; then "$ROOT/scripts/moto.sh" stop || true; fi
}
trap cleanup EXIT
URL=$("$ROOT/scripts/pg.sh" start bench-pg)
if [ "${SQS:-1}" != 0 ]; then
  if ! { [ -f "$STATE/moto/pid" ] && kill -0 "$(cat "$STATE/moto/pid")" 2>/dev/null; }; then started_moto=1; fi
  AWS_ENDPOINT_URL=$("$ROOT/scripts/moto.sh" start)
  export AWS_ENDPOINT_URL AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
  echo "AWS emulator: moto $(python3 -c 'import moto; print(moto.__version__)') at $AWS_ENDPOINT_URL"
fi
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
"$BIN" "$URL" "${REFARCH_MODEL_DIR:-$STATE/models/all-MiniLM-L6-v2}" "${PRODUCTS:-10000}" "${UPDATES:-200}" "${SEARCHES:-200}"
# Back-pressure (issue 22 §2): 2,000 products into the Pinecone test server, unthrottled and
# with 429 on 30 % of requests. THROTTLE=0 skips it.
if [ "${THROTTLE:-1}" != 0 ]; then
  swift build "${flags[@]}" --product BackPressureBench >/dev/null
  "$(swift build "${flags[@]}" --show-bin-path)/BackPressureBench" "${REFARCH_MODEL_DIR:-$STATE/models/all-MiniLM-L6-v2}" "${THROTTLED_PRODUCTS:-2000}" 0.3
fi
