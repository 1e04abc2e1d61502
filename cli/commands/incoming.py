"""`python -m cli incoming list | refile`: what waits in `incoming` (SPEC 4: events can be missed).

`list` shows each waiting blob with its age; anything older than a few minutes means an
event went missing (the refile timer picks it up). `refile` files what waits now,
through the same service as the blob trigger.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

from shared.context import AppContext


def list_incoming(ctx: AppContext, out: Any) -> int:
    now = ctx.clock.now()
    waiting = sorted(ctx.incoming_blobs.waiting(), key=lambda b: b.last_modified)
    stale = ctx.settings.refile_min_age_seconds
    for blob in waiting:
        age = (now - blob.last_modified).total_seconds()
        flag = "\tSTALE" if age > stale else ""
        out.write(f"{blob.last_modified.isoformat()}\t{int(age)}s\t{blob.size}\t{blob.name!r}{flag}\n")
    out.write(f"{len(waiting)} waiting, {sum((now - b.last_modified).total_seconds() > stale for b in waiting)} "
              f"older than {stale}s\n")
    return 0


def refile(ctx: AppContext, min_age: int | None, out: Any) -> int:
    service = ctx.filing_service
    if min_age is not None:
        service = replace(service, refile_min_age_seconds=min_age)
    report = service.refile()
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())) or "nothing"
    out.write(f"examined {report.examined}: {outcomes}; errors {report.errors}\n")
    return 1 if report.errors else 0


def _list(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    return list_incoming(cli_context(), sys.stdout)


def _refile(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    return refile(cli_context(), args.min_age, sys.stdout)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("incoming", help="documents waiting to be filed")
    sub = parser.add_subparsers(dest="action", required=True)
    lst = sub.add_parser("list", help="what waits in incoming, oldest first")
    lst.set_defaults(handler=_list)
    ref = sub.add_parser("refile", help="file what waits now (same service as the blob trigger)")
    ref.add_argument("--min-age", type=int, default=None, help="seconds a blob must have waited (default: setting)")
    ref.set_defaults(handler=_refile)
