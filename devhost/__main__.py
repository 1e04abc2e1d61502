"""`python -m devhost`: the local Functions host on http://127.0.0.1:7071.

Loads local.settings.json into the environment first (values already set win), then imports
the app, serves its HTTP routes, watches `incoming` and runs the timers until Ctrl-C or TERM.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from azure.core.exceptions import AzureError

from devhost.local_settings import LocalSettingsError, load_local_settings

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__)
    parser.add_argument("--port", type=int, default=7071)
    parser.add_argument("--settings", type=Path, default=ROOT / "local.settings.json")
    parser.add_argument("--poll-interval", type=float, default=0.5, help="seconds between scans of incoming")
    parser.add_argument("--no-blobs", action="store_true", help="do not watch incoming")
    parser.add_argument("--no-timers", action="store_true", help="do not run timers on their schedules")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("azure").setLevel(logging.WARNING)
    try:
        applied = load_local_settings(args.settings)
    except LocalSettingsError as exc:
        print(f"devhost: {exc}", file=sys.stderr)
        return 2
    logging.getLogger("devhost").info("loaded %d values from %s", len(applied), args.settings.name)

    # Imported only now: the app reads its settings from the environment just filled.
    import function_app
    from devhost.host import DevHost
    from shared import context

    try:
        context.current().storage.ensure()
    except AzureError as exc:
        print(f"devhost: storage does not answer ({type(exc).__name__}); is Azurite running?", file=sys.stderr)
        return 1
    host = DevHost(
        function_app.app,
        "127.0.0.1",
        args.port,
        watch_blobs=not args.no_blobs,
        run_timers=not args.no_timers,
        poll_interval=args.poll_interval,
    )
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    host.start()
    print(f"dev host ready on {host.base_url}", flush=True)
    stopping.wait()
    host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
