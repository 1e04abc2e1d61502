#!/usr/bin/env bash
# Prints the path of an `az` of the version pinned in infra/azure-cli.txt, installing it
# first (from the Python package registry) into a venv cached outside the repository:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/portal-tools/azure-cli-<version>
# Only its offline `--help` is used (tests/infra/test_deploy_cli.py): no login, no Azure.
# About 730 MB and 4-5 minutes on two loaded cores the first time; instant afterwards.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(sed -n 's/^azure-cli==\([0-9.]*\)$/\1/p' "$ROOT/infra/azure-cli.txt")"
[ -n "$VERSION" ] || { echo "no azure-cli==X.Y.Z line in infra/azure-cli.txt" >&2; exit 1; }
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/portal-tools"
DIR="$CACHE/azure-cli-$VERSION"
mkdir -p "$CACHE"
if [ ! -f "$DIR/.installed" ]; then
    # One installer at a time (parallel worktrees share the cache); the marker is written last.
    exec 9>"$DIR.lock"
    flock 9
    if [ ! -f "$DIR/.installed" ]; then
        rm -rf "$DIR"
        PY=""
        for candidate in python3.11 python3.12 python3; do
            if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
        done
        [ -n "$PY" ] || { echo "python3 is needed to install azure-cli" >&2; exit 1; }
        echo "installing azure-cli $VERSION into $DIR (once)" >&2
        "$PY" -m venv "$DIR"
        "$DIR/bin/python" -m pip install -qq --disable-pip-version-check "azure-cli==$VERSION" >&2
        touch "$DIR/.installed"
    fi
fi
echo "$DIR/bin/az"
