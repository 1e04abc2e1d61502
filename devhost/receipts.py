"""Blob receipts and poison records in Table storage, as the Functions host keeps them, so a
blob version is processed once even across a restart and a failing one stops after bounded retries.

Blob names contain `/` (refused in Table keys), so a key is a SHA-256 over container, name and
ETag; the readable name and the error travel as properties.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

RECEIPTS_TABLE = "devhostreceipts"
POISON_TABLE = "devhostpoison"
DONE = "done"
FAILING = "failing"
POISONED = "poisoned"


@dataclass(frozen=True)
class Receipt:
    status: str
    attempts: int

    @property
    def settled(self) -> bool:
        """Nothing more will happen to this blob version."""
        return self.status in {DONE, POISONED}


@dataclass(frozen=True)
class PoisonRecord:
    function: str
    blob: str
    etag: str
    error: str
    attempts: int
    at: datetime


def blob_key(container: str, name: str, etag: str) -> str:
    return hashlib.sha256(f"{container}/{name}\n{etag}".encode()).hexdigest()


class ReceiptStore:
    def __init__(self, receipts: TableClient, poison: TableClient, max_attempts: int = 5) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.receipts = receipts
        self.poison = poison
        self.max_attempts = max_attempts

    def get(self, function: str, container: str, name: str, etag: str) -> Receipt | None:
        try:
            entity = self.receipts.get_entity(function, blob_key(container, name, etag))
        except ResourceNotFoundError:
            return None
        return Receipt(str(entity.get("status", FAILING)), int(entity.get("attempts", 0)))

    def succeeded(self, function: str, container: str, name: str, etag: str, attempts: int, at: datetime) -> Receipt:
        receipt = Receipt(DONE, attempts)
        self._put(function, container, name, etag, receipt, at)
        return receipt

    def failed(
        self, function: str, container: str, name: str, etag: str, attempts: int, error: str, at: datetime
    ) -> Receipt:
        """Count a failed attempt; the last allowed one writes the poison record first."""
        if attempts >= self.max_attempts:
            self.poison.upsert_entity(
                {
                    "PartitionKey": function,
                    "RowKey": blob_key(container, name, etag),
                    "blob": f"{container}/{name}",
                    "etag": etag,
                    "error": error,
                    "attempts": attempts,
                    "at": at,
                },
                mode=UpdateMode.REPLACE,
            )
            receipt = Receipt(POISONED, attempts)
        else:
            receipt = Receipt(FAILING, attempts)
        self._put(function, container, name, etag, receipt, at, error)
        return receipt

    def poisoned(self, function: str | None = None) -> list[PoisonRecord]:
        if function is None:
            entities: Any = self.poison.list_entities()
        else:
            entities = self.poison.query_entities("PartitionKey eq @pk", parameters={"pk": function})
        return [
            PoisonRecord(e["PartitionKey"], e["blob"], e["etag"], e["error"], int(e["attempts"]), e["at"])
            for e in entities
        ]

    def _put(
        self, function: str, container: str, name: str, etag: str, receipt: Receipt, at: datetime, error: str = ""
    ) -> None:
        self.receipts.upsert_entity(
            {
                "PartitionKey": function,
                "RowKey": blob_key(container, name, etag),
                "blob": f"{container}/{name}",
                "etag": etag,
                "status": receipt.status,
                "attempts": receipt.attempts,
                "error": error,
                "at": at,
            },
            mode=UpdateMode.REPLACE,
        )
