#!/usr/bin/env bash
# Local vector index benchmark with NumPy's exact search on the same vectors in the same run,
# then loading 1,000,000 vectors from Postgres. Release build; OpenBLAS pins unset for NumPy
# (as on a user's machine). Figures go in the README's performance section.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
python3 -c 'import numpy' 2>/dev/null || python3 -m pip install -q numpy
swift build -c release --product IndexBench >/dev/null
BIN="$(swift build -c release --show-bin-path)/IndexBench"
DUMP="$STATE/bench/index"; mkdir -p "$DUMP"
SIZES="${SIZES:-100000,1000000}"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
"$BIN" --sizes "$SIZES" --queries "${QUERIES:-50}" --threads 2 --dump "$DUMP"
for n in ${SIZES//,/ }; do
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 python3 scripts/numpy_search.py "$DUMP" "$n"
done
rm -f "$DUMP"/*.f32
if [ "${LOAD:-1000000}" != 0 ]; then
  trap '"$ROOT/scripts/pg.sh" destroy bench-pg >/dev/null 2>&1 || true' EXIT
  URL=$("$ROOT/scripts/pg.sh" start bench-pg)
  "$BIN" --sizes "" --postgres "$URL" --load "${LOAD:-1000000}"
fi
