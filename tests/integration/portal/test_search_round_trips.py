"""What a search costs in storage round trips (SPEC 7; issue 12 keeps search within 1 + words
per line): counted on the real Azurite through the clients' response hook, one per request.

Typed dates narrow the read instead of adding one; synonyms and case numbers without their
letter are answered by the same reads as any other word. "All lines" reads the company's list of
every line in one range, so it costs what one line costs. A word naming a document type is the
one word that costs two reads (its bucket, and the type's documents in the list)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.storage.index import DocumentIndex
from shared.context import AppContext
from shared.services.documents import Scope, list_documents, parse_list_query, search_words
from shared.settings import Settings
from tests.support.portal import file_document
from tests.support.round_trips import RoundTrips

LINES = ("IJM", "LAA", "LAAC")


@pytest.fixture
def counted(ctx: AppContext, settings: Settings) -> tuple[DocumentIndex, RoundTrips]:
    file_document(
        ctx,
        "100001",
        "LAA",
        "cover_confirmation",
        "2026-01-20",
        "R100",
        title="Kostengutsprache Physio",
        case_number="S1234567",
    )
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-19", "R123", title="Abrechnung März")
    file_document(ctx, "100001", "IJM", "payment_letter", "2026-02-15", "K-55", title="Taggeld Februar")
    file_document(ctx, "100001", "LAAC", "benefit_statement", "2025-12-01", "Z-9", title="Zusatz Dezember")
    trips = RoundTrips()
    storage = trips.storage(settings)
    tables = ("docindex", "docsearch", "docids", "docexpiry")
    return DocumentIndex(*(storage.table(t) for t in tables)), trips


def _search(counted: tuple[DocumentIndex, RoundTrips], line: str, q: str) -> tuple[int, int, list[str]]:
    index, trips = counted
    words = search_words(q)
    query = parse_list_query({"line": line, "q": q})
    with trips.counting() as calls:
        page = list_documents(index, Scope("100001", LINES), query, words, now=datetime.now(UTC))
    return len(calls), len(words), [r.reference for r in page.items]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("Abrechnung", ["R123"]),
        ("Bestätigung", ["R100"]),  # a synonym of Kostengutsprache
        ("Deckungsbestätigung", ["R100"]),
        ("1234567", ["R100"]),  # the case number S1234567 without its letter
        ("19.02.2026", ["R123"]),  # a typed day narrows the list's read
        ("02.2026", ["R123"]),  # a typed month
        ("Physio 01.2026", ["R100"]),
        ("Kostengutsprache Physio", ["R100"]),
    ],
)
def test_one_line_at_most_one_read_plus_one_per_word(
    counted: tuple[DocumentIndex, RoundTrips], q: str, found: list[str]
) -> None:
    trips, words, refs = _search(counted, "LAA", q)
    assert refs == found
    assert trips <= 1 + words, (q, trips)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("", ["R123", "K-55", "R100", "Z-9"]),
        ("Abrechnung", ["R123", "Z-9"]),
        ("Bestätigung", ["R100"]),
        ("1234567", ["R100"]),
        ("02.2026", ["R123", "K-55"]),
        ("Kostengutsprache Physio", ["R100"]),
    ],
)
def test_all_lines_cost_what_one_line_costs(
    counted: tuple[DocumentIndex, RoundTrips], q: str, found: list[str]
) -> None:
    """All lines read the company's list of every line (`~l-` rows), not one partition per line."""
    trips, words, refs = _search(counted, "", q)
    assert refs == found
    assert trips <= 1 + words, (q, trips)
