#!/usr/bin/env bash
# Console speed (make bench-console), release build:
#  1. ConsoleBench in a 200×60 tmux window: render, update + render, ncurses full redraw.
#  2. The real console in a 120×40 tmux window over a 10,000-product catalog, five starts:
#     first frame after process start, and key press to updated screen for local actions
#     (typing, moving, help, theme, switching views), from REFARCH_CONSOLE_TIMINGS.
#  3. The dead letters and queues views with 20,000 dead letters, refreshing every second,
#     while a redrive of all of them runs: key press to screen with work in flight.
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
  echo "timed out waiting for \"$2\"" >&2; tmux_ capture-pane -p -t "$1" >&2; return 1
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

# 20,000 dead letters, then keys while refreshes and a redrive of all of them are in flight.
"$PG_BIN/psql" -q "$URL" -c "INSERT INTO refarch_queue_dead_letters (id, queue, group_id, dedup_id, body, attributes, sent_at, receive_count)
  SELECT g, 'jobs', 'p' || (g % 500), 'seq-' || g, '{\"v\":9,\"op\":\"upsert\",\"id\":' || g || '}',
         '{\"DeadLetterReason\":\"unknown message version 9\"}', now(), 5 FROM generate_series(1, 20000) g" >/dev/null
SESSION="ops"
tmux_ -u new-session -d -s "$SESSION" -x 120 -y 40 \
  "env DATABASE_URL='$URL' REFARCH_STATE_DIR='$OUT' REFARCH_MODEL_DIR='$STATE/models/all-MiniLM-L6-v2' \
   REFARCH_THEMES_DIR='$ROOT/themes' REFARCH_CONSOLE_TIMINGS='$OUT/ops-timings.txt' TERM=screen-256color \
   '$BIN_DIR/refarch-tui' --refresh 1; sleep 1"
wait_for "$SESSION" "DLQ 20,000"
keys : d l q Enter; wait_for "$SESSION" "200 listed"
keys j j j j k k Space k Space / v e r s i o n Enter / C-u Enter
keys R; wait_for "$SESSION" "Redrive all 20,000"
keys y j k j k j k j k j k
keys : q u e u e s Enter j k r r
wait_for "$SESSION" "DLQ 0"
keys : d l q Enter j k q
for _ in $(seq 1 100); do [ -s "$OUT/ops-timings.txt" ] && break; sleep 0.1; done

python3 - "$OUT" <<'PY'
import glob, statistics, sys
def read(paths):
    first, frames = [], []
    for path in paths:
        for line in open(path):
            key, value = line.split()
            (first if key == "first_frame_ms" else frames).append(float(value))
    return first, sorted(frames)
def quantiles(frames):
    q = lambda p: frames[min(len(frames) - 1, int(len(frames) * p))]
    return f"p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms, max {frames[-1]:.2f} ms ({len(frames)} frames)"
first, frames = read(sorted(glob.glob(sys.argv[1] + "/timings-*.txt")))
print(f"console first frame after process start: p50 {statistics.median(first):.1f} ms, max {max(first):.1f} ms ({len(first)} starts)")
print(f"key press to updated screen (local actions): {quantiles(frames)}")
_, ops = read([sys.argv[1] + "/ops-timings.txt"])
print(f"key press to updated screen, DLQ and queues views, refresh every 1 s, redrive of 20,000 running: {quantiles(ops)}")
PY
