#!/usr/bin/env bash
# `make bench-embed`: the native MiniLM embedder against sentence-transformers and ONNX Runtime,
# measured in one run on the same 10,000 reference descriptions, then on 10,000 descriptions of
# the seed generator. Opt-in; never part of `make test`.
#
# Both sides run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (as on a user's machine), so
# OpenBLAS picks its own kernels; tests and CI keep the pinned environment.
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

SHARED="${REFARCH_SHARED_DIR:-$ROOT/../shared}"
MODEL_DIR="${REFARCH_MODEL_DIR:-$STATE/models/all-MiniLM-L6-v2}"
CSV="$SHARED/data/refarch_products_10k.csv"
OUT="$STATE/bench"
VENV="$STATE/bench-venv"
UNPIN=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
mkdir -p "$OUT"

[ -f "$MODEL_DIR/model.safetensors" ] || "$ROOT/scripts/install-deps.sh"

log "building release (EmbedBench, refarch-tui)"
swift build -c release --product EmbedBench
swift build -c release --product refarch-tui

if ! "$VENV/bin/python" -c 'import sentence_transformers, onnxruntime, onnx' 2>/dev/null; then
  log "creating the anchor environment in $VENV (sentence-transformers, onnxruntime, onnx from PyPI)"
  python3 -m venv "$VENV"
  # A CPU-only torch wheel, when the machine provides one, avoids PyPI's CUDA build (gigabytes).
  for wheel in /opt/wheels/torch-*+cpu-*.whl; do
    [ -f "$wheel" ] && "$VENV/bin/pip" install -q "$wheel"
  done
  "$VENV/bin/pip" install -q sentence-transformers onnxruntime onnx
fi

.build/release/EmbedBench --csv "$CSV" --write-texts "$OUT/descriptions.txt" >&2

log "anchors: sentence-transformers and ONNX Runtime, 2 threads, batch 32 and 128 (best of 3 passes each)"
for batch in 32 128; do
  "${UNPIN[@]}" "$VENV/bin/python" "$SHARED/bench/anchor_embed.py" "$OUT/descriptions.txt" "$MODEL_DIR" \
    --threads 2 --batch "$batch" | tee "$OUT/anchor-$batch.json"
done

log "native embedder"
"${UNPIN[@]}" .build/release/EmbedBench --csv "$CSV" --model-dir "$MODEL_DIR" \
  --parity "$SHARED/fixtures/minilm/parity.jsonl" --anchor-json "$OUT/anchor-32.json,$OUT/anchor-128.json" \
  | tee "$OUT/embed-bench.txt"

log "refarch-tui embed --file --stats (2 threads, batch 128)"
"${UNPIN[@]}" .build/release/refarch-tui embed --file "$OUT/descriptions.txt" --stats --model-dir "$MODEL_DIR" \
  | tee "$OUT/embed-file-stats.txt"

log "the same on 10,000 descriptions of the seed generator (what db seed writes): anchors, then native"
.build/release/EmbedBench --seed-count 10000 --write-texts "$OUT/seed-descriptions.txt" >&2
"${UNPIN[@]}" "$VENV/bin/python" "$SHARED/bench/anchor_embed.py" "$OUT/seed-descriptions.txt" "$MODEL_DIR" \
  --threads 2 --batch 32 | tee "$OUT/anchor-seed.json"
"${UNPIN[@]}" .build/release/EmbedBench --seed-count 10000 --model-dir "$MODEL_DIR" \
  --parity "$SHARED/fixtures/minilm/parity.jsonl" --anchor-json "$OUT/anchor-seed.json" | tee "$OUT/embed-bench-seed.txt"
