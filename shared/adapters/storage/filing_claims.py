"""Claims in Table storage (`filingclaims`, PartitionKey = customer number, RowKey = doc id).

A claim is made with one conditional write: insert-if-absent, or an ETag-matched update
to take over an expired lease. Losing either race surfaces as ClaimBusy with the winner's
record, never as a second published_at.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.claims import LEASE, Claim, ClaimBusy, takeable

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _entity(claim: Claim) -> dict[str, Any]:
    return {
        "PartitionKey": claim.customer_number,
        "RowKey": claim.doc_id,
        "owner": claim.owner,
        "published_at": claim.published_at.isoformat(),
        "lease_until": claim.lease_until.isoformat(),
    }


def _claim(entity: Any) -> Claim:
    return Claim(
        customer_number=entity["PartitionKey"],
        doc_id=entity["RowKey"],
        owner=entity.get("owner", ""),
        published_at=datetime.fromisoformat(entity["published_at"]),
        lease_until=datetime.fromisoformat(entity["lease_until"]),
        fresh=False,
    )


class ClaimStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def claim(self, customer_number: str, doc_id: str, owner: str, now: datetime) -> Claim:
        """Claim the document for `owner` (fresh, or taken over from an ended lease, keeping its
        published_at); raises ClaimBusy when another attempt holds a live lease."""
        fresh = Claim(customer_number, doc_id, owner, now, now + LEASE)
        try:
            self.table.create_entity(_entity(fresh))
            return fresh
        except ResourceExistsError:
            pass
        entity = self.table.get_entity(customer_number, doc_id)
        existing = _claim(entity)
        if not takeable(existing, owner, now):
            raise ClaimBusy(existing)
        taken = replace(existing, owner=owner, lease_until=now + LEASE)
        try:
            self.table.update_entity(
                _entity(taken), mode=UpdateMode.REPLACE,
                etag=entity.metadata["etag"], match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            raise ClaimBusy(existing) from None  # another attempt took it over first
        return taken

    def release(self, claim: Claim) -> None:
        """End the lease early after a failure so the host's immediate retry can proceed."""
        try:
            entity = self.table.get_entity(claim.customer_number, claim.doc_id)
            if _claim(entity).owner != claim.owner:
                return
            self.table.update_entity(
                _entity(replace(claim, lease_until=_EPOCH)), mode=UpdateMode.REPLACE,
                etag=entity.metadata["etag"], match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceNotFoundError, ResourceModifiedError):
            return

    def get(self, customer_number: str, doc_id: str) -> Claim | None:
        try:
            return _claim(self.table.get_entity(customer_number, doc_id))
        except ResourceNotFoundError:
            return None
