# Shared setup for scripts/run.sh and scripts/test.sh (sourced, not run).
# Makes a fresh clone usable: .venv with the pinned Python packages, Azurite from
# package-lock.json, and local.settings.json from the example. Each step is skipped
# when its inputs have not changed since the last run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p .local

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

pick_python() {
    for candidate in python3.11 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Python 3.11 or 3.12 is needed (azure-functions 1.x)" >&2
    return 1
}

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

if [ ! -x .venv/bin/python ]; then
    PY="$(pick_python)"
    say "creating .venv with $PY"
    "$PY" -m venv .venv
fi
REQ_HASH="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if ! stamp_ok .venv/.requirements.sha256 "$REQ_HASH"; then
    say "installing Python packages (requirements-dev.txt)"
    # Hash-locked (generated from requirements-dev.in): pip refuses any file whose hash differs.
    .venv/bin/python -m pip install --quiet --require-hashes -r requirements-dev.txt
    echo "$REQ_HASH" > .venv/.requirements.sha256
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "npm (Node.js 18 or newer) is needed for Azurite" >&2
    exit 1
fi
NPM_HASH="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [ ! -x node_modules/.bin/azurite ] || ! stamp_ok .local/npm.sha256 "$NPM_HASH"; then
    say "installing Azurite (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$NPM_HASH" > .local/npm.sha256
fi

if [ ! -f local.settings.json ]; then
    say "creating local.settings.json from local.settings.example.json"
    cp local.settings.example.json local.settings.json
fi
