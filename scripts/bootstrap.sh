#!/usr/bin/env bash
# Installs what Predator needs on this machine, idempotently:
#  * Debian packages (PostgreSQL 15 server, pgTAP, pg_prove, plpgsql_check, libgomp1) when missing and this user can
#    install them (root, or passwordless sudo); otherwise says what is missing and goes on;
#  * a virtual environment .venv from the pinned requirements, with predator installed in it.
# Usage: scripts/bootstrap.sh [runtime|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-dev}"

packages=(postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl postgresql-15-plpgsql-check
          libgomp1)  # libgomp1: the OpenMP runtime of LightGBM's wheel (predator.ml.train)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
    if [ "$sudo" = "none" ]; then
        echo "bootstrap: missing Debian packages ${missing[*]} and no permission to install them;" >&2
        echo "bootstrap: ask an administrator, or use PREDATOR_DSN / the pgserver wheel for PostgreSQL." >&2
    else
        echo "bootstrap: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
            $sudo apt-get update -qq >/dev/null
            $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
        }
    fi
fi

req=requirements.txt
[ "$profile" = "dev" ] && req=requirements-dev.txt
stamp=".venv/.installed-$profile"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "bootstrap: installing Python packages from $req"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
    touch "$stamp"
fi
