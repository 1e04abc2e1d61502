"""`python -m cli generate`: realistic sample benefit documents dropped into `incoming`.

Stands in for the insurer's output system: real PDFs (fpdf2) with a letterhead, the
company, the insured person, amounts and dates, in German, French or Italian, named by
the incoming contract and carrying its percent-encoded metadata. The same `--seed`
gives the same names and the same bytes (so the same document ids) on every machine.

Every upload goes through `cli.upload`, the code `docs/generator.md` shows: into the
configured storage by default, or with `--account-url` straight into an account with the
caller's own identity, as the output system does in Azure.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from azure.storage.blob import ContainerClient

from cli.upload import caller_credential, encode_metadata, incoming_container, upload
from shared.adapters.rendering.i18n import line_label, type_name
from shared.context import AppContext
from shared.domain.lines import ALLOWED, LINES

FIXED_TIME: Final = datetime(2026, 1, 1, tzinfo=UTC)
LANGS: Final = ("de", "fr", "it")
PEOPLE: Final = (
    "Jürg Müller", "Anna Meier", "Luca Rossi", "Sophie Dubois", "Marco Bernasconi", "Céline Favre",
    "Reto Schären", "Chiara Bianchi", "Noah Keller", "Léa Rochat", "Giulia Ferrari", "Thomas Brändli",
)
LABELS: Final = {
    "de": {"company": "Unternehmen", "person": "Versicherte Person", "case": "Fall", "ref": "Referenz", "date": "Datum",
           "period": "Zeitraum", "days": "Tage", "daily": "Taggeld", "total": "Total", "greeting":
           "Freundliche Grüsse", "note": "Dieses Dokument wurde automatisch erstellt."},
    "fr": {"company": "Entreprise", "person": "Personne assurée", "case": "Dossier", "ref": "Référence", "date": "Date",
           "period": "Période", "days": "Jours", "daily": "Indemnité journalière", "total": "Total",
           "greeting": "Meilleures salutations", "note": "Ce document a été établi automatiquement."},
    "it": {"company": "Azienda", "person": "Persona assicurata", "case": "Caso", "ref": "Riferimento", "date": "Data",
           "period": "Periodo", "days": "Giorni", "daily": "Indennità giornaliera", "total": "Totale",
           "greeting": "Cordiali saluti", "note": "Questo documento è stato generato automaticamente."},
}
MONTHS: Final = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
}


@dataclass(frozen=True)
class Sample:
    name: str
    content: bytes
    metadata: dict[str, str]


@dataclass(frozen=True)
class CompanyInfo:
    customer_number: str
    name: str
    lines: tuple[str, ...]


def samples(seed: int, count: int, companies: Sequence[CompanyInfo], insurer: str,
            start: date = date(2025, 1, 6), days: int = 420) -> Iterator[Sample]:
    """`count` documents spread over the companies' lines and allowed types, deterministically."""
    rng = random.Random(seed)
    for _ in range(count):
        company = rng.choice(companies)
        line = rng.choice([line for line in LINES if line in company.lines] or list(LINES))
        doc_type = rng.choice(sorted(ALLOWED[line]))
        yield sample(rng, company, line, doc_type, insurer, start + timedelta(days=rng.randrange(days)))


def sample(rng: random.Random, company: CompanyInfo, line: str, doc_type: str, insurer: str, day: date) -> Sample:
    lang = rng.choice(LANGS)
    reference = f"{line[0]}-{day.year}-{rng.randrange(10**6):06d}"
    case_number = f"S{rng.randrange(10**7):07d}"
    person = rng.choice(PEOPLE)
    month = MONTHS[lang].split()[day.month - 1]
    title = f"{type_name(doc_type, lang)} {month} {day.year}"
    days_paid = rng.randrange(1, 31)
    daily = rng.randrange(8000, 40000) / 100
    content = render_pdf(insurer, company, line, lang, title, reference, case_number, person, day, days_paid, daily)
    metadata = encode_metadata(title=title, case_number=case_number, insured_person=person, language=lang)
    name = f"{company.customer_number}/{line}/{doc_type}/{day.isoformat()}_{reference}.pdf"
    return Sample(name, content, metadata)


def _chf(amount: float) -> str:
    return f"CHF {amount:,.2f}".replace(",", "'")


def render_pdf(insurer: str, company: CompanyInfo, line: str, lang: str, title: str, reference: str,
               case_number: str, person: str, day: date, days_paid: int, daily: float) -> bytes:
    """One letter: letterhead, addressee, facts table, amounts, closing. Fixed metadata dates keep
    the bytes stable for a given seed."""
    from fpdf import FPDF  # a dev dependency: the generator is an ops/dev tool, never deployed

    labels = LABELS[lang]
    pdf = FPDF()
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title(title)
    pdf.set_author(insurer)
    pdf.add_page()
    pdf.set_fill_color(11, 79, 138)
    pdf.rect(0, 0, 210, 22, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", style="B", size=15)
    pdf.set_xy(12, 7)
    pdf.cell(text=insurer)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(12, 30)
    for text in (company.name, f"{labels['company']} {company.customer_number}", "CH-8000 Zürich"):
        pdf.cell(text=text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(text=line_label(line, lang), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    first = day - timedelta(days=days_paid - 1)
    rows = (
        (labels["date"], day.strftime("%d.%m.%Y")),
        (labels["ref"], reference),
        (labels["case"], case_number),
        (labels["person"], person),
        (labels["period"], f"{first:%d.%m.%Y} - {day:%d.%m.%Y}"),
        (labels["days"], str(days_paid)),
        (labels["daily"], _chf(daily)),
        (labels["total"], _chf(daily * days_paid)),
    )
    for label, value in rows:
        pdf.cell(w=60, h=7, text=label, border="B")
        pdf.cell(w=110, h=7, text=value, border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.cell(text=labels["greeting"], new_x="LMARGIN", new_y="NEXT")
    pdf.cell(text=insurer, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", style="I", size=8)
    pdf.cell(text=labels["note"])
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def drop(container: ContainerClient, items: Iterator[Sample], rate: float, out: Any, sleep: Any = time.sleep) -> int:
    """Upload each sample into `incoming`, at most `rate` per second (0: as fast as possible)."""
    count = 0
    started = time.monotonic()
    for sample in items:
        upload(container, sample.name, sample.content, sample.metadata)
        count += 1
        if rate > 0:
            due = started + count / rate
            wait = due - time.monotonic()
            if wait > 0:
                sleep(wait)  # pacing the producer, as the output system would
    out.write(f"dropped {count} documents into {container.url}\n")
    return count


def _companies(ctx: AppContext, numbers: list[str]) -> list[CompanyInfo]:

    store = ctx.company_store
    found = []
    for number in numbers:
        company = store.get(number)
        if company is None:
            found.append(CompanyInfo(number, f"Firma {number}", tuple(LINES)))
        else:
            found.append(CompanyInfo(company.customer_number, company.name, company.lines or tuple(LINES)))
    return found


def _generate(args: argparse.Namespace) -> int:
    from cli.context import cli_context

    ctx = cli_context()
    companies = _companies(ctx, args.customer or ["100001", "100002"])
    items = samples(args.seed, args.count, companies, ctx.settings.insurer_name)
    if args.account_url:
        try:
            credential = caller_credential(args.account_url, ctx.settings.storage_connection)
        except ValueError as exc:
            sys.stderr.write(f"{exc}\n")
            return 2
        container = incoming_container(args.account_url, credential, args.container)
    else:
        container = ctx.storage.container(args.container)
    drop(container, items, args.rate, sys.stdout)
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("generate", help="drop generated sample documents into incoming")
    parser.add_argument("--count", type=int, default=20, help="how many documents (default 20)")
    parser.add_argument("--rate", type=float, default=0.0, help="documents per second (default: no pacing)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same documents")
    parser.add_argument("--customer", action="append", help="customer number (repeatable; default 100001, 100002)")
    parser.add_argument("--account-url", help="upload straight into this storage account with your own identity "
                        "(https://<account>.blob.core.windows.net; DefaultAzureCredential), as the output system does")
    parser.add_argument("--container", default="incoming", help="target container (default incoming)")
    parser.set_defaults(handler=_generate)
