"""The document index against Azurite: list order and paging, search semantics, expiry, delete."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.adapters.storage.index import DocumentIndex, InvalidIndexKey
from tests.support.filing import record


def test_put_get_roundtrip(index: DocumentIndex) -> None:
    rec = record(1, title="Décompte März", insured="Anna Müller")
    index.put(rec)
    index.put(rec)  # idempotent
    assert index.get("100001", rec.doc_id) == rec
    assert index.find(rec.doc_id) == rec
    assert index.get("100002", rec.doc_id) is None
    assert index.get("100001", "not-an-id") is None


def test_list_orders_newest_doc_date_then_published_and_pages(index: DocumentIndex) -> None:
    base = datetime(2026, 2, 1, tzinfo=UTC)
    recs = [
        record(i, line=("LAA", "IJM", "LAAC")[i % 3], doc_date=date(2026, 1, 1) + timedelta(days=i // 2),
               published=base + timedelta(minutes=i))
        for i in range(25)
    ]
    index.put_many(recs)
    expected = sorted(recs, key=lambda r: (r.doc_date, r.published_at), reverse=True)
    seen = []
    cursor = None
    while True:
        page, cursor = index.list_documents("100001", ["IJM", "LAA", "LAAC"], limit=7, cursor=cursor)
        seen.extend(page)
        if cursor is None:
            break
    assert [r.doc_id for r in seen] == [r.doc_id for r in expected]
    only_laa, _ = index.list_documents("100001", ["LAA"], limit=50)
    assert {r.line for r in only_laa} == {"LAA"} and len(only_laa) == sum(r.line == "LAA" for r in recs)


def test_list_filters_type_and_inclusive_dates(index: DocumentIndex) -> None:
    index.put_many([
        record(1, doc_date=date(2026, 1, 1)),
        record(2, doc_date=date(2026, 1, 10), doc_type="waiting_letter"),
        record(3, doc_date=date(2026, 1, 20)),
    ])
    page, _ = index.list_documents("100001", ["LAA"], date_from=date(2026, 1, 10), date_to=date(2026, 1, 20))
    assert [r.doc_date.day for r in page] == [20, 10]
    page, _ = index.list_documents("100001", ["LAA"], doc_type="waiting_letter")
    assert [r.doc_date.day for r in page] == [10]


def test_search_and_of_prefixes_accents_umlauts_and_type_names(index: DocumentIndex) -> None:
    index.put_many([
        record(1, title="Abrechnung Januar", insured="Jürg Müller"),
        record(2, title="Abrechnung Februar", insured="Anna Meier", line="IJM", doc_type="payment_letter"),
        record(3, title="Straßenunfall", insured="Luc Gérard", doc_type="cover_confirmation"),
    ])
    lines = ["IJM", "LAA", "LAAC"]

    def ids(*words: str) -> set[int]:
        found, _ = index.search("100001", lines, list(words))
        return {int(r.reference[2:]) for r in found}

    assert ids("abr") == {1, 2}
    assert ids("abr", "mue") == {1}
    assert ids("MÜLLER") == {1} and ids("muller") == {1} and ids("mueller") == {1}
    assert ids("strasse") == {3} and ids("gerard") == {3}
    assert ids("zahlungsbrief") == {2}  # the type's German name
    assert ids("lettre", "paiement") == {2}  # the name it had before the glossary
    assert ids("avis", "paiement") == {2}  # French
    assert ids("deckungsbest") == {3}  # a synonym people type
    assert ids("prise", "luc") == {3}
    assert ids("C-000002") == {2}  # reference split on punctuation
    assert ids("abr", "zzz") == set()
    assert ids("mu") == {1} and ids("ju", "mu") == {1}  # only short words: the list is read and checked
    assert ids("zahl") == {2}  # a type name prefix long enough to drive
    only_ijm, _ = index.search("100001", ["IJM"], ["abr"])
    assert [r.line for r in only_ijm] == ["IJM"]


def test_search_pages_with_cursor(index: DocumentIndex) -> None:
    base = datetime(2026, 2, 1, tzinfo=UTC)
    index.put_many([record(i, title="Abrechnung", published=base + timedelta(minutes=i)) for i in range(12)])
    first, cursor = index.search("100001", ["LAA"], ["abrechnung"], limit=5)
    second, cursor2 = index.search("100001", ["LAA"], ["abrechnung"], limit=5, cursor=cursor)
    third, cursor3 = index.search("100001", ["LAA"], ["abrechnung"], limit=5, cursor=cursor2)
    assert len(first) == 5 and len(second) == 5 and len(third) == 2 and cursor3 is None
    assert len({r.doc_id for r in first + second + third}) == 12


def test_expired_reads_only_due_documents_and_delete_is_idempotent(index: DocumentIndex) -> None:
    old = record(1, published=datetime(2025, 1, 1, tzinfo=UTC), title="alt")
    new = record(2, published=datetime(2026, 2, 1, tzinfo=UTC), title="neu")
    index.put_many([old, new])
    now = datetime(2026, 1, 2, tzinfo=UTC)
    assert [r.doc_id for r in index.expired(now, limit=10)] == [old.doc_id]
    index.delete(old)
    index.delete(old)
    assert index.expired(now, limit=10) == []
    assert index.get("100001", old.doc_id) is None
    assert index.search("100001", ["LAA"], ["alt"])[0] == []
    assert [r.doc_id for r in index.list_documents("100001", ["LAA"])[0]] == [new.doc_id]


def test_bad_arguments_are_refused(index: DocumentIndex) -> None:
    with pytest.raises(InvalidIndexKey):
        index.list_documents("12/34", ["LAA"])
    with pytest.raises(InvalidIndexKey):
        index.list_documents("100001", ["LAA"], cursor="x' or 1 eq 1")
    with pytest.raises(InvalidIndexKey):
        index.list_documents("100001", [])


def test_search_reads_past_many_non_matching_entries_in_growing_chunks(index: DocumentIndex) -> None:
    """A selective second word: most of the driver's bucket fails the check; the read goes on
    chunk after chunk (60, 240, ...) until the page is full."""
    base = datetime(2026, 2, 1, tzinfo=UTC)
    recs = [record(i, title="Abrechnung", insured=("Zora" if i % 40 == 0 else "Anna"),
                   published=base + timedelta(minutes=i)) for i in range(400)]
    index.put_many(recs)
    found, cursor = index.search("100001", ["LAA"], ["abrechnung", "zora"], limit=5)
    assert len(found) == 5 and cursor is not None
    rest, cursor2 = index.search("100001", ["LAA"], ["abrechnung", "zora"], limit=50, cursor=cursor)
    assert len(found) + len(rest) == 10 and cursor2 is None
    assert all(r.insured_person == "Zora" for r in found + rest)
