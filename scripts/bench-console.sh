#!/usr/bin/env bash
# Console speed (make bench-console), release build:
#  1. ConsoleBench in a 200×60 tmux window: render, update + render, ncurses full redraw.
#  2. The real console in a 120×40 tmux window over a 10,000-product catalog, five starts:
#     first frame after process start, and key press to updated screen for local actions
#     (typing, moving, help, theme, switching views), from REFARCH_CONSOLE_TIMINGS.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
swift build -c release --product ConsoleBench >/dev/null
swift build -c release --product refarch-tui >/dev/null
BIN_DIR="$(swift build -c release --show-bin-path)"
OUT="$STATE/bench/console"; rm -rf "$OUT"; mkdir -p "$OUT"
SOCKET="refarch-bench-$$"
tmux_() { tmux -L "$SOCKET" "$@"; }
cleanup() {
  tmux_ kill-server 2>/dev/null || true
  "$ROOT/scripts/pg.sh" destroy bench-console-pg >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
tmux_ -u new-session -d -s grid -x 200 -y 60 "'$BIN_DIR/ConsoleBench' --out '$OUT/grid.txt'; sleep 2"
for _ in $(seq 1 600); do [ -s "$OUT/grid.txt" ] && break; sleep 0.1; done
cat "$OUT/grid.txt"

URL=$("$ROOT/scripts/pg.sh" start bench-console-pg)
DATABASE_URL="$URL" "$BIN_DIR/refarch-tui" db migrate >/dev/null
DATABASE_URL="$URL" "$BIN_DIR/refarch-tui" db seed --count 10000 --seed 1 >/dev/null

wait_for() {  # text on the screen, up to 10 s
  for _ in $(seq 1 100); do tmux_ capture-pane -p -t "$1" | grep -qF "$2" && return 0; sleep 0.1; done
  echo "timed out waiting for \"$2\"" >&2; return 1
}
keys() { for k in "$@"; do tmux_ send-keys -t "$SESSION" "$k"; sleep 0.05; done; }

for run in 1 2 3 4 5; do
  SESSION="console$run"
  tmux_ -u new-session -d -s "$SESSION" -x 120 -y 40 \
    "env DATABASE_URL='$URL' REFARCH_STATE_DIR='$OUT' REFARCH_MODEL_DIR='$STATE/models/all-MiniLM-L6-v2' \
     REFARCH_THEMES_DIR='$ROOT/themes' REFARCH_CONSOLE_TIMINGS='$OUT/timings-$run.txt' TERM=screen-256color \
     '$BIN_DIR/refarch-tui'; sleep 1"
  wait_for "$SESSION" "Search ›"
  keys w a t e r p r o o f Space j a c k e t BSpace BSpace C-w C-u
  keys Tab; wait_for "$SESSION" "of 10,000"
  keys j j j j k k G g ? ? T T T T : p r o d Escape
  keys S-Tab '?' Escape
  keys q
  for _ in $(seq 1 100); do [ -s "$OUT/timings-$run.txt" ] && break; sleep 0.1; done
done

python3 - "$OUT" <<'PY'
import glob, statistics, sys
first, frames = [], []
for path in sorted(glob.glob(sys.argv[1] + "/timings-*.txt")):
    for line in open(path):
        key, value = line.split()
        (first if key == "first_frame_ms" else frames).append(float(value))
frames.sort()
q = lambda p: frames[min(len(frames) - 1, int(len(frames) * p))]
print(f"console first frame after process start: p50 {statistics.median(first):.1f} ms, max {max(first):.1f} ms ({len(first)} starts)")
print(f"key press to updated screen (local actions): p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms, max {frames[-1]:.2f} ms ({len(frames)} frames)")
PY
