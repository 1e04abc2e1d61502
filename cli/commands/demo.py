"""`python -m cli demo seed`: the demo data of SPEC section 6, the same on every machine.

Idempotent: companies and the demo grant are upserted with fixed values; documents are
generated from a fixed random seed (same names, same bytes, so the same document ids) and
dropped into `incoming` only when neither filed nor already waiting there. The blob trigger
(the dev host's watcher) files them; `--file-now` files them at once through the filing
service instead.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cli.commands.generate import CompanyInfo, sample
from shared.adapters.identity.dev_directory import dev_tenant
from shared.context import AppContext
from shared.domain.companies import Company
from shared.domain.identity import Grant, GrantKind, GrantStatus
from shared.domain.incoming import content_sha256, doc_id, parse_name
from shared.domain.lines import ALLOWED, LINES
from shared.settings import Settings

SEED = 20261127
DEFAULT_INSURER = Settings().insurer_name
DEMO_CUSTOMER = "demo.kunde@muster-ag.ch"
DEMO_ADVISOR = "berater@versicherer.ch"
# Demo records carry this fixed time so a re-seed writes exactly the same values.
DEMO_TIME = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

COMPANIES = (
    Company(
        customer_number="100001",
        name="Muster AG",
        lines=("IJM", "LAA", "LAAC"),
        premium_by_line={"IJM": 520_000, "LAA": 430_000, "LAAC": 250_000},
        domains=("muster-ag.ch",),
        advisor_email=DEMO_ADVISOR,
        enrolled=True,
    ),
    Company(
        customer_number="100002",
        name="Beispiel GmbH",
        lines=("LAA", "LAAC"),
        premium_by_line={"LAA": 280_000, "LAAC": 120_000},
        domains=("beispiel-gmbh.ch",),
        advisor_email=DEMO_ADVISOR,
        enrolled=True,
    ),
    Company(
        customer_number="100003",
        name="Esempio SA",
        lines=("IJM",),
        premium_by_line={"IJM": 120_000},
        domains=("esempio-sa.ch",),
        advisor_email=DEMO_ADVISOR,
        enrolled=False,
    ),
)

# Documents per allowed (line, type) pair: 9 pairs x 3 + 7 pairs x 2 = 41 documents.
DOCUMENTS_PER_TYPE = {"100001": 3, "100002": 2}



@dataclass(frozen=True)
class DemoDocument:
    name: str  # the blob name in `incoming` (SPEC 4 contract)
    content: bytes
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def customer_number(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def doc_id(self) -> str:
        return doc_id(parse_name(self.name), content_sha256(self.content))


@dataclass
class SeedReport:
    companies: int = 0
    grant: str = ""
    dropped: int = 0
    already_filed: int = 0
    waiting: int = 0
    filed_now: int = 0


def demo_documents(insurer: str = DEFAULT_INSURER) -> list[DemoDocument]:
    """Every allowed type of every line of 100001 and 100002, a fixed number of each, fixed seed;
    the letters themselves come from the sample generator (`python -m cli generate`)."""
    rng = random.Random(SEED)
    documents = []
    for company in COMPANIES:
        per_type = DOCUMENTS_PER_TYPE.get(company.customer_number, 0)
        for line in LINES:
            if line not in company.lines:
                continue
            for doc_type in sorted(ALLOWED[line]):
                for _ in range(per_type):
                    documents.append(_document(rng, company, line, doc_type, insurer))
    return documents


def _document(rng: random.Random, company: Company, line: str, doc_type: str, insurer: str) -> DemoDocument:
    day = date(2025, 1, 6) + timedelta(days=rng.randrange(0, 420))
    info = CompanyInfo(company.customer_number, company.name, company.lines)
    letter = sample(rng, info, line, doc_type, insurer, day)
    return DemoDocument(letter.name, letter.content, letter.metadata)


def demo_grant_id(customer_number: str, email: str) -> str:
    """A fixed grant id (same shape as a random one) so re-seeding replaces rather than adds."""
    return f"{customer_number}-{hashlib.sha256(email.encode()).hexdigest()[:16]}"


def seed(ctx: AppContext, *, file_now: bool = False) -> SeedReport:
    report = SeedReport()
    companies = ctx.company_store
    for company in COMPANIES:
        companies.put(company)
        report.companies += 1
    report.grant = _seed_grant(ctx)
    _seed_documents(ctx, report, file_now)
    return report


def _seed_grant(ctx: AppContext) -> str:
    """demo.kunde@muster-ag.ch: an active customer of 100001 with all its lines, under the oid the
    local directory stand-in gives that address (the one a dev session gets)."""
    muster = COMPANIES[0]
    # Recorded as invited in the directory stand-in, as an approval would; its oid is oid_for(email).
    oid = ctx.dev_directory.invite(DEMO_CUSTOMER, f"{ctx.settings.base_url}/portal", "de")
    grant = Grant(
        grant_id=demo_grant_id(muster.customer_number, DEMO_CUSTOMER),
        tid=dev_tenant(ctx.settings),
        oid=oid,
        email=DEMO_CUSTOMER,
        customer_number=muster.customer_number,
        lines=muster.lines,
        kind=GrantKind.CUSTOMER,
        status=GrantStatus.ACTIVE,
        created_at=DEMO_TIME,
        activated_at=DEMO_TIME,
        created_by=DEMO_ADVISOR,
    )
    ctx.grant_store.put(grant)
    return grant.grant_id


def _seed_documents(ctx: AppContext, report: SeedReport, file_now: bool) -> None:
    index = ctx.document_index
    incoming = ctx.storage.container("incoming")
    pending = []
    for document in demo_documents(ctx.settings.insurer_name):
        if index.get(document.customer_number, document.doc_id) is not None:
            report.already_filed += 1
            continue
        pending.append(document.name)
        blob = incoming.get_blob_client(document.name)
        if blob.exists():
            report.waiting += 1
            continue
        blob.upload_blob(document.content, metadata=document.metadata, overwrite=True)
        report.dropped += 1
    if file_now:
        service = ctx.filing_service
        for name in pending:
            service.file(name)
            report.filed_now += 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="demo data for local runs")
    demo_sub = parser.add_subparsers(dest="demo_command", required=True)
    seed_parser = demo_sub.add_parser(
        "seed", help="companies 100001-100003, the demo customer's grant, generated documents (idempotent)"
    )
    seed_parser.add_argument(
        "--file-now", action="store_true", help="file the documents now instead of leaving them to the blob trigger"
    )
    seed_parser.set_defaults(handler=_seed_command)


def _seed_command(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    ctx = cli_context()
    if not ctx.settings.local_mode:
        print("demo seed runs in local mode only (PORTAL_LOCAL_MODE=true)")
        return 2
    report = seed(ctx, file_now=args.file_now)
    print(f"companies: {report.companies} (100001, 100002, 100003)")
    print(f"demo customer grant: {report.grant} (active, 100001, all lines)")
    print(
        f"documents: {report.dropped} dropped into incoming, {report.waiting} already waiting, "
        f"{report.already_filed} already filed"
    )
    if args.file_now:
        print(f"filed now: {report.filed_now}")
    return 0
