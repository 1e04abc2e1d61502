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
import io
import random
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.adapters.companies import company_store
from shared.adapters.dev_directory import dev_directory, dev_tenant
from shared.adapters.grants import grant_store
from shared.adapters.index import document_index
from shared.domain.companies import Company
from shared.domain.identity import Grant, GrantKind, GrantStatus
from shared.domain.incoming import content_sha256, doc_id, parse_name
from shared.domain.lines import ALLOWED, LINES

SEED = 20261127
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

_TITLES = {
    "payment_letter": {"de": "Zahlungsbrief", "fr": "Lettre de paiement", "it": "Lettera di pagamento"},
    "benefit_statement": {
        "de": "Leistungsabrechnung",
        "fr": "Décompte de prestations",
        "it": "Conteggio delle prestazioni",
    },
    "cover_confirmation": {
        "de": "Kostengutsprache",
        "fr": "Lettre de prise en charge",
        "it": "Lettera di assunzione dei costi",
    },
    "waiting_letter": {"de": "Wartebrief", "fr": "Lettre demandant de patienter", "it": "Lettera di attesa"},
    "cost_reimbursement": {
        "de": "Rückerstattung der Kosten",
        "fr": "Remboursement des frais",
        "it": "Rimborso delle spese",
    },
}
_MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
}
# Invented people: the demo holds no real personal data.
_PEOPLE = (
    "Anna Keller", "Jürg Müller", "Marie Dubois", "Luca Bernasconi", "Ursula Meier", "Nicolas Girard",
    "Chiara Bianchi", "Peter Schneider", "Sophie Favre", "Marco Rossi", "Beat Zürcher", "Léa Perrin",
)


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
    todo: list[str] = field(default_factory=list)


def demo_documents() -> list[DemoDocument]:
    """The demo documents: every allowed type of every line of 100001 and 100002, fixed seed."""
    rng = random.Random(SEED)
    documents = []
    for company in COMPANIES:
        per_type = DOCUMENTS_PER_TYPE.get(company.customer_number, 0)
        for line in LINES:
            if line not in company.lines:
                continue
            for doc_type in sorted(ALLOWED[line]):
                for _ in range(per_type):
                    documents.append(_document(rng, company, line, doc_type))
    return documents


def _document(rng: random.Random, company: Company, line: str, doc_type: str) -> DemoDocument:
    doc_date = date(2025, 1, 6) + timedelta(days=rng.randrange(0, 420))
    reference = f"{line[:1]}{rng.randrange(100000, 999999)}"
    case_number = f"S-{doc_date.year}-{rng.randrange(10000, 99999)}"
    person = rng.choice(_PEOPLE)
    language = rng.choice(("de", "de", "fr", "it"))
    month = _MONTHS[language].split()[doc_date.month - 1]
    title = f"{_TITLES[doc_type][language]} {month} {doc_date.year}"
    name = f"{company.customer_number}/{line}/{doc_type}/{doc_date.isoformat()}_{reference}.pdf"
    content = _pdf(company, line, title, reference, case_number, person, doc_date)
    metadata = {
        "title": urllib.parse.quote(title),
        "case_number": urllib.parse.quote(case_number),
        "insured_person": urllib.parse.quote(person),
        "language": language,
    }
    return DemoDocument(name, content, metadata)


def _pdf(
    company: Company, line: str, title: str, reference: str, case_number: str, person: str, doc_date: date
) -> bytes:
    """A small real PDF; a fixed creation date keeps the bytes (and so the doc id) stable."""
    from fpdf import FPDF  # a dev dependency: the demo is local only

    pdf = FPDF()
    pdf.set_creation_date(DEMO_TIME)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for text in (
        f"{company.name} ({company.customer_number}) - {line}",
        f"Datum / date / data: {doc_date.isoformat()}",
        f"Referenz / référence / riferimento: {reference}",
        f"Fall / cas / caso: {case_number}",
        f"Versicherte Person / personne assurée / persona assicurata: {person}",
        "Demo document - generated, no real data.",
    ):
        pdf.cell(text=text, new_x="LMARGIN", new_y="NEXT")
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def demo_grant_id(customer_number: str, email: str) -> str:
    """A fixed grant id (same shape as a random one) so re-seeding replaces rather than adds."""
    return f"{customer_number}-{hashlib.sha256(email.encode()).hexdigest()[:16]}"


def seed(ctx: Any, *, file_now: bool = False) -> SeedReport:
    report = SeedReport()
    companies = company_store(ctx)
    for company in COMPANIES:
        companies.put(company)
        report.companies += 1
    report.grant = _seed_grant(ctx)
    _seed_documents(ctx, report, file_now)
    return report


def _seed_grant(ctx: Any) -> str:
    """demo.kunde@muster-ag.ch: an active customer of 100001 with all its lines, under the oid the
    local directory stand-in gives that address (the one a dev session gets)."""
    muster = COMPANIES[0]
    # Recorded as invited in the directory stand-in, as an approval would; its oid is oid_for(email).
    oid = dev_directory(ctx).invite(DEMO_CUSTOMER, f"{ctx.settings.base_url}/portal", "de")
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
    grant_store(ctx).put(grant)
    return grant.grant_id


def _seed_documents(ctx: Any, report: SeedReport, file_now: bool) -> None:
    index = document_index(ctx)
    incoming = ctx.storage.container("incoming")
    for document in demo_documents():
        if index.get(document.customer_number, document.doc_id) is not None:
            report.already_filed += 1
            continue
        blob = incoming.get_blob_client(document.name)
        if blob.exists():
            report.waiting += 1
            continue
        blob.upload_blob(document.content, metadata=document.metadata, overwrite=True)
        report.dropped += 1
    if file_now:
        report.todo.append("--file-now: the filing service is not available yet; the blob trigger files them")


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
    for line in report.todo:
        print(f"note: {line}")
    return 0
