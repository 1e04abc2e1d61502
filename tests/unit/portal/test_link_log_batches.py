"""How the link log groups its rows into entity-group transactions (no storage needed): what
Azure accepts (≤ 100 operations, one partition, an entity at most once per batch) and what
keeps a link whole (its four rows in one transaction)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.storage.link_log import LINKS_PER_TRANSACTION, LinkLogKeyError, transactions
from shared.domain.issued_links import IssuedLink

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANNA = "11111111-1111-4111-8111-111111111111/22222222-2222-4222-8222-222222222222"
BEN = "11111111-1111-4111-8111-111111111111/33333333-3333-4333-8333-333333333333"


def link(n: int, customer: str = "100001", actor: str = ANNA, at: datetime = NOW) -> IssuedLink:
    doc_id = f"{n:032d}".translate(str.maketrans("0123456789", "abcdefghij"))
    return IssuedLink(
        doc_id=doc_id, kind="zip", issued_at=at, expires_at=None, actor=actor, actor_email="a@b.ch",
        client="1.2.3.4", customer_number=customer, line="LAA", doc_type="benefit_statement",
        deletes_at=NOW + timedelta(days=365),
    )


def _check(batches: list[list[tuple]]) -> None:
    for batch in batches:
        assert len(batch) <= 100
        assert len({op[1]["PartitionKey"] for op in batch}) == 1
        rows = Counter(op[1]["RowKey"] for op in batch)
        assert max(rows.values()) == 1, rows


@pytest.mark.parametrize(("links", "expected"), [(1, 1), (25, 1), (26, 2), (100, 4), (200, 8)])
def test_one_company_takes_ceil_n_over_25_transactions(links: int, expected: int) -> None:
    batches = transactions([link(n) for n in range(links)])
    _check(batches)
    assert len(batches) == expected == -(-links // LINKS_PER_TRANSACTION)
    # Each link's time row, document row and state rows sit in the same transaction.
    for batch in batches:
        kinds = Counter(op[1]["RowKey"][0] for op in batch)
        assert kinds["t"] == kinds["d"] == kinds["s"] == kinds["e"]


def test_state_rows_are_upserts_without_issued_at_by_person_and_by_deletion_day() -> None:
    (batch,) = transactions([link(1)])
    assert [op[0] for op in batch] == ["create", "create", "upsert", "upsert"]
    person = ANNA.replace("/", "_")
    by_person, by_day = batch[2][1], batch[3][1]
    assert by_person["RowKey"] == f"s{person}_{link(1).doc_id}"
    assert by_day["RowKey"] == f"e20270302_{person}_{link(1).doc_id}" and by_day["person"] == person
    for row in (by_person, by_day):
        assert "issued_at" not in row  # `issued_before` must not take it for an issue record
        assert row["downloaded_at"] == NOW and row["deletes_at"] == NOW + timedelta(days=365)


def test_companies_never_share_a_transaction() -> None:
    batches = transactions([link(n, "100001" if n % 2 else "100002") for n in range(10)])
    _check(batches)
    assert len(batches) == 2


def test_the_same_document_twice_for_one_person_splits_so_the_later_download_lands_last() -> None:
    later = NOW + timedelta(minutes=5)
    batches = transactions([link(1), link(2), link(1, at=later), link(1, actor=BEN)])
    _check(batches)
    assert len(batches) == 2
    annas = "s" + ANNA.replace("/", "_") + "_"
    assert [op[1]["downloaded_at"] for op in batches[-1] if op[1]["RowKey"].startswith(annas)] == [later]


def test_someone_not_named_tid_oid_gets_the_records_without_a_state_row() -> None:
    (batch,) = transactions([link(1, actor="system")])
    assert [op[1]["RowKey"][0] for op in batch] == ["t", "d"]


def test_a_bad_key_writes_nothing() -> None:
    with pytest.raises(LinkLogKeyError):
        transactions([link(1), link(2, customer="x/1")])
