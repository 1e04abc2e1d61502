"""`python -m cli audit [--from DAY] [--to DAY] [--action PREFIX] [--actor A] [--customer N] [--target T] [--json]`.

Reads the append-only audit log (one append blob per UTC day) and prints matching events,
oldest first: a readable line each, or JSON lines for scripts. `audit days` lists the days held.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, TextIO

from cli.context import cli_context
from shared.adapters.storage.audit import AuditLog


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def events(
    log: AuditLog,
    start: date,
    end: date,
    action: str = "",
    actor: str = "",
    customer: str = "",
    target: str = "",
) -> Iterator[dict[str, Any]]:
    day = start
    while day <= end:
        for event in log.read_day(day):
            if action and not str(event.get("action", "")).startswith(action):
                continue
            if actor and event.get("actor") != actor:
                continue
            if customer and event.get("customer_number") != customer:
                continue
            if target and event.get("target") != target:
                continue
            yield event
        day += timedelta(days=1)


def line(event: dict[str, Any]) -> str:
    parts = [event.get("at", ""), event.get("action", ""), event.get("actor", "")]
    for key in ("customer_number", "target", "client"):
        if event.get(key):
            parts.append(f"{key}={event[key]}")
    if event.get("details"):
        parts.append(json.dumps(event["details"], ensure_ascii=False, sort_keys=True))
    return "  ".join(parts)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    log = cli_context().audit_log
    if args.audit_command == "days":
        for day, name in sorted(log.days()):
            print(f"{day.isoformat()}  {name}", file=out)
        return 0
    today = cli_context().clock.now().date()
    end = args.to or today
    start = args.since or end
    if start > end:
        print("--from is after --to", file=sys.stderr)
        return 2
    count = 0
    for event in events(log, start, end, args.action, args.actor, args.customer, args.target):
        print(json.dumps(event, ensure_ascii=False, sort_keys=True) if args.json else line(event), file=out)
        count += 1
    if not args.json:
        print(f"{count} event(s) from {start.isoformat()} to {end.isoformat()}", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="read the audit log (logins, advisor actions, links, retention)")
    parser.add_argument("audit_command", nargs="?", choices=("show", "days"), default="show")
    parser.add_argument("--from", dest="since", type=_day, help="first day (UTC), default: --to")
    parser.add_argument("--to", type=_day, help="last day (UTC), default: today")
    parser.add_argument("--action", default="", help="action prefix, e.g. grant. or login")
    parser.add_argument("--actor", default="", help="exact actor, e.g. <tid>/<oid>")
    parser.add_argument("--customer", default="", help="customer number")
    parser.add_argument("--target", default="", help="document, grant or request id")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)
