"""`python -m cli companies import FILE.csv | list | enrol | end-service`: the company registry.

The import shows a progress bar and ends with a summary of created, updated, unchanged
and refused rows — each refused row with its number and reason — and exits 1 when any
row was refused, so a script notices.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from shared.adapters.storage.companies import CompanyStore
from shared.domain.companies import Company, valid_customer_number
from shared.domain.company_import import RowRefused, missing_columns, parse_row


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[RowRefused] = field(default_factory=list)


def _dialect(sample: str) -> str:
    header = sample.splitlines()[0] if sample else ""
    return ";" if header.count(";") > header.count(",") else ","


def import_csv(store: CompanyStore, text: str, progress: bool = True, out: TextIO | None = None) -> ImportReport:
    """Import companies from CSV text (UTF-8, `,` or `;` separated, header row required)."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=_dialect(text.lstrip("\ufeff")))
    missing = missing_columns(list(reader.fieldnames or []))
    if missing:
        report.refused.append(RowRefused(0, "missing_column", "header lacks: " + ", ".join(missing)))
        return report
    rows = list(reader)
    seen: set[str] = set()
    for number, raw in enumerate(tqdm(rows, desc="companies", unit="row", disable=not progress,
                                      file=out or sys.stderr), start=1):
        if None in raw:  # more fields than columns
            report.refused.append(RowRefused(number, "extra_fields", "the row has more fields than the header"))
            continue
        parsed = parse_row(number, raw)
        if isinstance(parsed, RowRefused):
            report.refused.append(parsed)
            continue
        if parsed.customer_number in seen:
            report.refused.append(RowRefused(number, "duplicate_in_file", f"{parsed.customer_number} appears twice"))
            continue
        seen.add(parsed.customer_number)
        existing = store.get(parsed.customer_number)
        if existing == parsed:
            report.unchanged.append(parsed.customer_number)
            continue
        store.put(parsed)
        (report.updated if existing else report.created).append(parsed.customer_number)
    return report


def print_report(report: ImportReport, out: TextIO) -> None:
    out.write(
        f"created {len(report.created)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}, refused {len(report.refused)}\n"
    )
    for refused in report.refused:
        out.write(f"  row {refused.row}: {refused.reason} — {refused.detail}\n")


def _import(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"cannot read {path}: {exc}\n")
        return 2
    report = import_csv(cli_context().company_store, text, progress=not args.no_progress)
    print_report(report, sys.stdout)
    return 1 if report.refused else 0


def _list(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    companies: list[Company] = sorted(cli_context().company_store.all(), key=lambda c: c.customer_number)
    for c in companies:
        status = "enrolled" if c.enrolled else "not enrolled"
        sys.stdout.write(
            f"{c.customer_number}\t{c.name}\t{','.join(c.lines)}\tCHF {c.premium_total:,}\t{status}\t"
            f"{','.join(c.domains)}\n"
        )
    sys.stdout.write(f"{len(companies)} companies\n")
    return 0


def _enrol(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    if not valid_customer_number(args.customer_number):
        sys.stderr.write("the customer number must be 4 to 12 digits\n")
        return 2
    company = cli_context().company_store.set_enrolled(args.customer_number, True)
    if company is None:
        sys.stderr.write(f"unknown company {args.customer_number}\n")
        return 1
    sys.stdout.write(f"{company.customer_number} enrolled\n")
    return 0



def _end_service(args: argparse.Namespace) -> int:
    from cli.commands.service import end_service

    if not valid_customer_number(args.customer_number):
        sys.stderr.write("the customer number must be 4 to 12 digits\n")
        return 2
    return end_service(args.customer_number)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("companies", help="the company registry")
    sub = parser.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="import or update companies from a CSV file")
    imp.add_argument("file")
    imp.add_argument("--no-progress", action="store_true", help="no progress bar")
    imp.set_defaults(handler=_import)
    lst = sub.add_parser("list", help="list the registry")
    lst.set_defaults(handler=_list)
    enrol = sub.add_parser("enrol", help="enrol a company in the digital service")
    enrol.add_argument("customer_number")
    enrol.set_defaults(handler=_enrol)
    end = sub.add_parser(
        "end-service",
        help="the company leaves the digital service: new documents are quarantined not_enrolled "
        "and every grant is revoked (the advisor console's use case)",
    )
    end.add_argument("customer_number")
    end.set_defaults(handler=_end_service)
