#!/usr/bin/env bash
# The README's first command: set up, start Azurite (default ports, data in .local/azurite),
# seed the demo data, and run the dev host on http://127.0.0.1:7071 until Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

AZURITE_PID=""
DEVHOST_PID=""
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$DEVHOST_PID" ] && kill -0 "$DEVHOST_PID" 2>/dev/null; then
        kill -TERM "$DEVHOST_PID" 2>/dev/null || true
        wait "$DEVHOST_PID" 2>/dev/null || true
    fi
    if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
        say "stopping Azurite (pid $AZURITE_PID)"
        # SIGINT is Azurite's graceful close (it saves its table/metadata database); TERM, then
        # KILL only if it does not go within 10 s (a KILL may lose the last ~5 s of writes).
        kill -INT "$AZURITE_PID" 2>/dev/null || true
        for signal in TERM KILL; do
            for _ in $(seq 1 100); do
                kill -0 "$AZURITE_PID" 2>/dev/null || break 2
                sleep 0.1
            done
            kill "-$signal" "$AZURITE_PID" 2>/dev/null || true
        done
        wait "$AZURITE_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for port in 10000 10001 10002 7071; do
    if port_open "$port"; then
        echo "port $port is already in use (another Azurite or dev host?); stop it first" >&2
        exit 1
    fi
done

mkdir -p .local/azurite
say "starting Azurite (data in .local/azurite, log in .local/azurite.log)"
node_modules/.bin/azurite --silent --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry \
    --location .local/azurite \
    --blobHost 127.0.0.1 --blobPort 10000 \
    --queueHost 127.0.0.1 --queuePort 10001 \
    --tableHost 127.0.0.1 --tablePort 10002 \
    > .local/azurite.log 2>&1 &
AZURITE_PID=$!
for _ in $(seq 1 300); do
    if port_open 10000 && port_open 10002; then break; fi
    kill -0 "$AZURITE_PID" 2>/dev/null || { echo "Azurite exited; see .local/azurite.log" >&2; exit 1; }
    sleep 0.1
done
port_open 10002 || { echo "Azurite did not start within 30 s; see .local/azurite.log" >&2; exit 1; }

say "seeding demo data"
.venv/bin/python -m cli demo seed

say "starting the dev host"
.venv/bin/python -m devhost &
DEVHOST_PID=$!
for _ in $(seq 1 300); do
    if port_open 7071; then break; fi
    kill -0 "$DEVHOST_PID" 2>/dev/null || { echo "the dev host exited" >&2; exit 1; }
    sleep 0.1
done

cat <<TEXT

  The portal runs on http://127.0.0.1:7071 — open:
    Access request form   http://127.0.0.1:7071/api/access-request
    Pick a demo identity  http://127.0.0.1:7071/api/dev/login
                          (customer demo.kunde@muster-ag.ch, advisor berater@versicherer.ch)
    Customer portal       http://127.0.0.1:7071/portal
    Advisor console       http://127.0.0.1:7071/advisor
    Mails written         http://127.0.0.1:7071/api/dev/outbox
  Drop PDFs into the 'incoming' container (Azurite, port 10000) to file them;
  run a timer now:  curl -X POST -H 'Content-Type: application/json' -d '{}' \\
                    http://127.0.0.1:7071/admin/functions/<name>
  Ctrl-C stops the dev host and Azurite.

TEXT
wait "$DEVHOST_PID"
