"""`python -m cli quarantine list | requeue`: look after documents filing refused.

`list` shows the counts by reason, then every document newest first. `requeue` puts
documents back into `incoming` under their original name once the cause is fixed (the
company was imported or enrolled, the generator was corrected); the blob trigger, or the
refile timer, files them again — and quarantines them again if the cause remains.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from shared.adapters.storage.filing_blobs import TargetExists
from shared.adapters.storage.quarantine import Quarantine
from shared.domain.refusals import Reason


def list_quarantine(q: Quarantine, reason: str | None, out: Any) -> int:
    entries = [e for e in q.entries() if reason is None or e.reason == reason]
    counts = q.counts(entries)
    out.write(f"{len(entries)} quarantined\n")
    for code, count in counts.most_common():
        out.write(f"  {code}: {count}\n")
    for e in entries:
        out.write(f"{e.quarantined_at or e.last_modified.isoformat()}\t{e.reason}\t{e.size}\t{e.name!r}\t{e.detail}\n")
    return 0


def requeue(q: Quarantine, names: list[str], reason: str | None, customer: str | None, every: bool, out: Any) -> int:
    if names:
        missing = 0
        for name in names:
            try:
                target = q.requeue(name)
            except TargetExists:
                out.write(f"not requeued, incoming already holds a newer {name!r}\n")
                missing += 1
                continue
            if target is None:
                out.write(f"not in quarantine: {name!r}\n")
                missing += 1
            else:
                out.write(f"requeued {target!r}\n")
        return 1 if missing else 0
    if not (reason or customer or every):
        out.write("name documents, or choose --reason, --customer or --all\n")
        return 2
    done = list(q.requeue_where(reason=reason, customer_number=customer))
    for target in done:
        out.write(f"requeued {target!r}\n")
    out.write(f"{len(done)} requeued\n")
    return 0


def _list(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    return list_quarantine(cli_context().quarantine, args.reason, sys.stdout)


def _requeue(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    return requeue(cli_context().quarantine, args.names, args.reason, args.customer, args.all, sys.stdout)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("quarantine", help="documents filing refused")
    sub = parser.add_subparsers(dest="action", required=True)
    reasons = [r.value for r in Reason]
    lst = sub.add_parser("list", help="counts by reason, then each document newest first")
    lst.add_argument("--reason", choices=reasons)
    lst.set_defaults(handler=_list)
    req = sub.add_parser("requeue", help="put documents back into incoming to be filed again")
    req.add_argument("names", nargs="*", help="quarantined blob names")
    req.add_argument("--reason", choices=reasons, help="every document refused for this reason")
    req.add_argument("--customer", help="every document of this customer number")
    req.add_argument("--all", action="store_true", help="everything in quarantine")
    req.set_defaults(handler=_requeue)
