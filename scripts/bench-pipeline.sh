#!/usr/bin/env bash
# Pipeline benchmark on the embedded default (release build): indexing 10,000 seeded
# products and the embedding share of it, freshness of 200 single updates as a warm reader
# sees them, and search latency over 200 queries. Figures go in the README.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
swift build -c release --product PipelineBench >/dev/null
BIN="$(swift build -c release --show-bin-path)/PipelineBench"
trap '"$ROOT/scripts/pg.sh" destroy bench-pg >/dev/null 2>&1 || true' EXIT
URL=$("$ROOT/scripts/pg.sh" start bench-pg)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
"$BIN" "$URL" "${REFARCH_MODEL_DIR:-$STATE/models/all-MiniLM-L6-v2}" "${PRODUCTS:-10000}" "${UPDATES:-200}" "${SEARCHES:-200}"
