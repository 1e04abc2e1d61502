#!/usr/bin/env bash
# The README's second command: set up, then ruff, mypy, the import contracts (pyproject.toml) and the
# whole pytest suite against a real Azurite (the tests start their own on free ports) with headless
# Chromium for browser tests.
# Extra arguments go to pytest. Exits non-zero if any of them fails.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" || exit 1

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian chromium for the browser tests"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1
    else
        echo "browser tests need /usr/bin/chromium: run 'sudo apt-get install -y chromium'" >&2
        exit 1
    fi
fi

status=0
# The real Azure CLI, only to check the commands and flags infra/deploy.sh uses (offline
# `az … --help`); installed once into ~/.cache/portal-tools, not into the repository.
say "azure-cli $(sed -n 's/^azure-cli==//p' infra/azure-cli.txt) (cached)"
bash scripts/azure_cli.sh >/dev/null || status=1
say "ruff"
.venv/bin/ruff check . || status=1
say "mypy"
.venv/bin/mypy . || status=1
say "import contracts (lint-imports)"
.venv/bin/lint-imports --no-cache || status=1
say "pytest"
.venv/bin/python -m pytest -q "$@"
pytest_status=$?
[ "$pytest_status" -eq 0 ] || status=$pytest_status

if [ "$status" -eq 0 ]; then say "all checks passed"; else say "FAILED (exit $status)"; fi
exit "$status"
