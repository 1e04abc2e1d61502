"""What Azurite does with table batch transactions — the facts docs/index-design.md states.

Asserted rather than merely written down, so an Azurite upgrade that changes them shows up.
"""

from __future__ import annotations

from http.client import BadStatusLine

import pytest
from azure.data.tables import RequestTooLargeError, TableClient, TableTransactionError

from shared.adapters.storage.clients import Storage


@pytest.fixture
def table(storage: Storage) -> TableClient:
    return storage.table("docsearch")


def rows(table: TableClient, pk: str) -> list[str]:
    return sorted(e["RowKey"] for e in table.query_entities("PartitionKey eq @pk", parameters={"pk": pk}))


def test_a_failing_operation_rolls_back_the_whole_batch(table: TableClient) -> None:
    table.create_entity({"PartitionKey": "r", "RowKey": "exists"})
    with pytest.raises(TableTransactionError):
        table.submit_transaction([("create", {"PartitionKey": "r", "RowKey": "new"}),
                                  ("create", {"PartitionKey": "r", "RowKey": "exists"})])
    assert rows(table, "r") == ["exists"]


def test_deleting_a_missing_entity_fails_the_batch(table: TableClient) -> None:
    with pytest.raises(TableTransactionError):
        table.submit_transaction([("upsert", {"PartitionKey": "s", "RowKey": "a"}),
                                  ("delete", {"PartitionKey": "s", "RowKey": "missing"})])
    assert rows(table, "s") == []


def test_an_entity_may_appear_once_per_batch(table: TableClient) -> None:
    with pytest.raises(TableTransactionError):
        table.submit_transaction([("upsert", {"PartitionKey": "q", "RowKey": "a"}),
                                  ("upsert", {"PartitionKey": "q", "RowKey": "a"})])


def test_over_100_operations_gets_a_malformed_answer_not_a_400(table: TableClient) -> None:
    """Azure answers 400; Azurite's answer cannot be parsed. Either way nothing is stored."""
    with pytest.raises(BadStatusLine):
        table.submit_transaction([("upsert", {"PartitionKey": "p", "RowKey": f"{i:03d}"}) for i in range(101)])
    assert rows(table, "p") == []


def test_the_4_mib_body_limit_holds(table: TableClient) -> None:
    big = "x" * 30_000
    with pytest.raises(RequestTooLargeError):
        table.submit_transaction([("upsert", {"PartitionKey": "b", "RowKey": f"{i}", "a": big, "b": big, "c": big})
                                  for i in range(48)])


def test_two_partitions_are_stopped_by_the_sdk_not_by_azurite(table: TableClient) -> None:
    with pytest.raises(ValueError, match="Partition Keys"):
        table.submit_transaction([("upsert", {"PartitionKey": "c1", "RowKey": "a"}),
                                  ("upsert", {"PartitionKey": "c2", "RowKey": "a"})])
