"""Receipts and poison records in real Table storage: any blob name becomes a safe key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devhost.receipts import DONE, FAILING, POISON_TABLE, POISONED, RECEIPTS_TABLE, ReceiptStore
from shared.adapters.storage.clients import Storage

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def receipts(storage: Storage) -> ReceiptStore:
    return ReceiptStore(storage.table(RECEIPTS_TABLE), storage.table(POISON_TABLE), max_attempts=2)


@pytest.mark.parametrize("name", ["a/b/c.pdf", "back\\slash#hash?q.pdf", "Zürich/ümlaut é.pdf", "tab\there.pdf"])
def test_names_azure_refuses_in_keys_are_stored_and_found(receipts: ReceiptStore, name: str) -> None:
    assert receipts.get("fn", "incoming", name, '"0x1"') is None
    receipts.succeeded("fn", "incoming", name, '"0x1"', 1, AT)
    receipt = receipts.get("fn", "incoming", name, '"0x1"')
    assert receipt is not None and receipt.status == DONE and receipt.settled
    assert receipts.get("fn", "incoming", name, '"0x2"') is None  # another version is another receipt


def test_failures_count_up_to_a_poison_record(receipts: ReceiptStore) -> None:
    first = receipts.failed("fn", "incoming", "x/y.pdf", '"e"', 1, "ValueError: no", AT)
    assert first.status == FAILING and not first.settled
    assert receipts.poisoned() == []
    last = receipts.failed("fn", "incoming", "x/y.pdf", '"e"', 2, "ValueError: still no", AT)
    assert last.status == POISONED and last.settled
    [poison] = receipts.poisoned("fn")
    assert (poison.blob, poison.etag, poison.attempts) == ("incoming/x/y.pdf", '"e"', 2)
    assert poison.error == "ValueError: still no"
    assert receipts.poisoned("other") == []
