"""`python -m cli retention dry-run | run`: what the retention sweep will delete, and running it.

`dry-run` lists what the next scheduled sweep (or the one at `--at`) would delete — documents
counted per company with a progress bar while the expiry index is read, plus the data each
minimisation rule would remove — and changes nothing. `run` performs the sweep now, the same
code the daily timer runs. Output carries ids and counts only, never titles or names.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from tqdm import tqdm

from cli.context import cli_context
from devhost.ncrontab import parse as parse_schedule
from shared.services.minimisation import minimise
from shared.services.retention_sweep import preview


def register(sub: Any) -> None:
    parser = sub.add_parser("retention", help="retention sweep: dry run or run now")
    actions = parser.add_subparsers(dest="action", required=True)
    dry = actions.add_parser("dry-run", help="list what the next sweep would delete (changes nothing)")
    dry.add_argument("--at", help="ISO time to preview instead of the next scheduled run (UTC if no offset)")
    dry.add_argument("--details", action="store_true", help="one line per document (id, company, line, type, due)")
    dry.add_argument("--json", action="store_true", help="machine-readable output")
    dry.add_argument("--no-progress", action="store_true")
    dry.set_defaults(handler=dry_run)
    run = actions.add_parser("run", help="run the sweep now (same code as the daily timer)")
    run.add_argument("--max-batches", type=int, default=1000)
    run.set_defaults(handler=run_now)


def _when(text: str | None, schedule: str, now: datetime) -> datetime:
    if text:
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return parse_schedule(schedule).next_after(now)


def dry_run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    ctx = cli_context()
    try:
        at = _when(args.at, ctx.settings.retention_schedule, ctx.clock.now())
    except ValueError as exc:
        print(f"--at: {exc}", file=sys.stderr)
        return 2

    def progress(stream: Any) -> Any:
        return tqdm(stream, desc="expiry index", unit="doc", disable=args.no_progress, file=sys.stderr)

    per_company, due = preview(ctx.document_index, at, progress)
    minimised = minimise(ctx.retention_rules(), at, ctx.audit_log, dry_run=True)
    names = {c: getattr(ctx.company_store.get(c), "name", "") for c in per_company}
    if args.json:
        json.dump(
            {
                "at": at.isoformat(),
                "documents": sum(per_company.values()),
                "per_company": dict(sorted(per_company.items())),
                "minimisation": minimised,
                "items": [_item(r) for r in due] if args.details else None,
            },
            out,
            indent=2,
        )
        out.write("\n")
        return 0
    print(f"Sweep at {at.isoformat()} would delete {sum(per_company.values())} documents", file=out)
    for customer, count in sorted(per_company.items()):
        print(f"  {customer}  {names.get(customer) or '-':<40} {count:>7}", file=out)
    if args.details:
        for record in due:
            item = _item(record)
            print(f"    {item['id']}  {item['company']}  {item['line']:<4} {item['doc_type']:<20} {item['deletes_at']}",
                  file=out)
    print("Minimisation would remove:", file=out)
    for kind, count in minimised.items():
        print(f"  {kind:<20} {count if count >= 0 else 'ERROR'}", file=out)
    return 0


def _item(record: Any) -> dict[str, str]:
    return {
        "id": record.doc_id,
        "company": record.customer_number,
        "line": record.line,
        "doc_type": record.doc_type,
        "deletes_at": record.deletes_at.isoformat(),
    }


def run_now(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    ctx = cli_context()
    report = ctx.sweep(max_batches=args.max_batches)
    if report.busy:
        print("Another retention run is in progress (the timer or another operator); nothing done.", file=out)
        return 1
    docs = report.documents
    print(f"Deleted {docs.total} documents in {docs.batches} batches ({'complete' if docs.complete else 'more left'})",
          file=out)
    for customer, count in sorted(docs.deleted.items()):
        print(f"  {customer} {count:>7}", file=out)
    for doc_id, error in docs.failed.items():
        print(f"  failed {doc_id}: {error}", file=out)
    for kind, count in report.minimised.items():
        print(f"  {kind:<20} {count if count >= 0 else 'ERROR'}", file=out)
    return 1 if docs.failed or any(c < 0 for c in report.minimised.values()) else 0
