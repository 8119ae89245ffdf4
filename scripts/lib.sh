# Shared shell helpers for the scripts in this folder. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Local state (Postgres clusters, logs, the model): .refarch/, or REFARCH_STATE_DIR (the same
# setting the binary reads for its logs; the clean-exit test runs a demo of its own there).
STATE="${REFARCH_STATE_DIR:-$ROOT/.refarch}"
case "$STATE" in /*) ;; *) STATE="$ROOT/$STATE" ;; esac
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# Debug builds of `make test` and `make demo` share one configuration (so switching between
# them rebuilds nothing) and treat every compiler warning as an error, as CI does.
DEBUG_BUILD_FLAGS=(-Xswiftc -warnings-as-errors)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# A free TCP port on 127.0.0.1 (the kernel picks it when binding port 0).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Runs a command as the postgres user when we are root (initdb and postgres refuse uid 0).
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# Waits until an HTTP endpoint answers (any status), up to $2 seconds.
wait_http() {
  local url=$1 seconds=${2:-30} i=0
  while ! curl -s -o /dev/null "$url"; do
    i=$((i+1)); [ "$i" -ge $((seconds*10)) ] && return 1
    sleep 0.1
  done
}

# Processes still running whose environment holds NAME=VALUE ($1=$2): what a run that
# exported a mark of its own started and left behind (found by that mark, never by a name).
# Prints "pid args" lines; this shell and its own helpers are not listed.
marked_processes() {
  local mark="$1=$2" dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] || continue
    # Zombies are gone as far as anyone can tell; their environ reads empty anyway.
    grep -qzxF -- "$mark" "$dir/environ" 2>/dev/null || continue
    [ -e "$dir" ] && printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null | cut -c1-200)"
  done
  return 0
}
