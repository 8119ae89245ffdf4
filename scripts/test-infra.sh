#!/usr/bin/env bash
# The infra/ and Dockerfile tests (Python, offline): Pulumi's mocks, no CLI, no AWS account.
# Creates .refarch/infra-venv from infra/requirements.txt when it is missing or the file changed.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

VENV="$STATE/infra-venv"
STAMP="$VENV/.requirements.sha256"
want=$(sha256sum infra/requirements.txt | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  log "creating $VENV (pip install -r infra/requirements.txt)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r infra/requirements.txt
  echo "$want" >"$STAMP"
fi

log "running the infra and Dockerfile tests"
status=0
(cd infra && PULUMI_SKIP_UPDATE_CHECK=1 "$VENV/bin/python" -m pytest -W ignore::DeprecationWarning "$@") || status=$?
# pytest exits 5 when it collected no tests: the suite vanished, which is a failure too.
[ "$status" = 5 ] && die "pytest collected no infra tests (infra/tests missing?)"
exit "$status"
