#!/usr/bin/env bash
# The AWS API emulator (moto's server mode, from PyPI) on a free loopback port.
#   scripts/moto.sh start   prints the endpoint URL
#   scripts/moto.sh stop
source "$(dirname "$0")/lib.sh"
dir="$STATE/moto"; pidfile="$dir/pid"

case "${1:-}" in
  start)
    mkdir -p "$dir"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then cat "$dir/url"; exit 0; fi
    port=$(free_port)
    python3 -m moto.server -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
    echo $! >"$pidfile"
    echo "http://127.0.0.1:$port" >"$dir/url"
    wait_http "http://127.0.0.1:$port/moto-api/" 60 || { tail -20 "$dir/moto.log" >&2; die "the AWS emulator did not start"; }
    cat "$dir/url"
    ;;
  stop)
    # SIGTERM, then SIGKILL after 10 s: under load the server once outlived SIGTERM (moto handles
    # it and shuts down gracefully, which can hang on an open connection).
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$pidfile" "$dir/url"
    fi
    ;;
  *) die "usage: scripts/moto.sh start|stop" ;;
esac
