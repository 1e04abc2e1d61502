"""The quarantine container: refused documents under their original name, with `reason` and
`detail` metadata (SPEC 4), and the way back to `incoming` once the cause is fixed.

A quarantined copy is never overwritten by different content: if the name is taken by
another version, the new one gets a time suffix and keeps the original name in metadata.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote, unquote

from azure.core import MatchConditions
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import ContainerClient

from shared.adapters.storage.filing_blobs import IncomingBlobs, TargetExists, copy_blob
from shared.domain.companies import valid_customer_number
from shared.domain.incoming import IncomingBlob
from shared.domain.quarantine_summary import QuarantinedItem
from shared.domain.refusals import Reason

OWN_KEYS: Final = ("reason", "detail", "quarantined_at", "original_name", "source_etag")


def ascii_detail(text: str) -> str:
    """Metadata values travel as HTTP headers: printable ASCII only."""
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)[:500]


@dataclass(frozen=True)
class QuarantinedDocument:
    name: str
    original_name: str
    reason: str
    detail: str
    quarantined_at: str
    size: int
    last_modified: datetime


def _arrival(entry: QuarantinedDocument) -> datetime:
    try:
        when = datetime.fromisoformat(entry.quarantined_at)
    except ValueError:
        return entry.last_modified
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Quarantine:
    def __init__(self, container: ContainerClient, incoming: IncomingBlobs) -> None:
        self.container = container
        self.incoming = incoming

    def put(self, blob: IncomingBlob, reason: Reason, detail: str, when: datetime) -> str:
        """Copy exactly the checked version here; idempotent for a redelivery of the same version."""
        target = blob.name
        existing = self._props(target)
        if existing is not None and existing.metadata.get("source_etag") != blob.etag.strip('"'):
            target = f"{blob.name}~{when:%Y%m%dT%H%M%S%f}"
        metadata = {k: v for k, v in blob.metadata.items() if k.lower() not in OWN_KEYS}
        metadata.update({
            "reason": reason.value,
            "detail": ascii_detail(detail),
            "quarantined_at": when.isoformat(),
            "original_name": quote(blob.name, safe=""),
            "source_etag": blob.etag.strip('"'),
        })
        copy_blob(self.container, target, self.incoming, blob, metadata)
        return target

    def _props(self, name: str) -> Any:
        try:
            return self.container.get_blob_client(name).get_blob_properties()
        except ResourceNotFoundError:
            return None

    def entries(self, prefix: str | None = None) -> list[QuarantinedDocument]:
        """Everything in quarantine (or under `prefix`), newest first."""
        found = [
            QuarantinedDocument(
                name=props.name,
                original_name=unquote((props.metadata or {}).get("original_name", "")) or props.name,
                reason=(props.metadata or {}).get("reason", "unknown"),
                detail=(props.metadata or {}).get("detail", ""),
                quarantined_at=(props.metadata or {}).get("quarantined_at", ""),
                size=int(props.size),
                last_modified=props.last_modified,
            )
            for props in self.container.list_blobs(name_starts_with=prefix, include=["metadata"])
        ]
        return sorted(found, key=lambda q: (q.quarantined_at, q.last_modified), reverse=True)

    def items(self) -> list[QuarantinedItem]:
        """What the daily summary counts: each document's reason and when it was quarantined
        (the blob's own time for a copy older than the `quarantined_at` metadata)."""
        return [QuarantinedItem(e.reason, _arrival(e)) for e in self.entries()]

    def for_company(self, customer_number: str) -> list[QuarantinedDocument]:
        """What waits for one company: its blobs are named `{customer_number}/…` (SPEC 4), so a
        prefix listing, not a scan of the container."""
        return self.entries(f"{customer_number}/") if valid_customer_number(customer_number) else []

    @staticmethod
    def counts(entries: list[QuarantinedDocument]) -> Counter[str]:
        return Counter(q.reason for q in entries)

    def requeue(self, name: str) -> str | None:
        """Put a quarantined document back into `incoming` under its original name (copy first,
        then delete here: a crash in between leaves a copy in both, never in neither).
        Raises TargetExists rather than replace a newer blob waiting under that name."""
        props = self._props(name)
        if props is None:
            return None
        metadata = {k: v for k, v in (props.metadata or {}).items() if k.lower() not in OWN_KEYS}
        original = unquote(props.metadata.get("original_name", "")) or name
        source = IncomingBlobs(self.container)
        quarantined = IncomingBlob(name, int(props.size), str(props.etag), props.last_modified, metadata)
        copy_blob(self.incoming.container, original, source, quarantined, metadata, only_if_absent=True)
        self.container.get_blob_client(name).delete_blob(etag=props.etag, match_condition=MatchConditions.IfNotModified)
        return original

    def requeue_where(self, reason: str | None = None, customer_number: str | None = None) -> Iterator[str]:
        for entry in self.entries():
            if reason and entry.reason != reason:
                continue
            if customer_number and not entry.original_name.startswith(customer_number + "/"):
                continue
            try:
                done = self.requeue(entry.name)
            except TargetExists:
                continue  # a newer version waits in incoming; this copy stays here for ops to judge
            if done is not None:
                yield done
