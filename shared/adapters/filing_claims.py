"""Claims in Table storage (`filingclaims`, PartitionKey = customer number, RowKey = doc id).

A claim is made with one conditional write: insert-if-absent, or an ETag-matched update
to take over an expired lease. Losing either race surfaces as ClaimBusy with the winner's
record, never as a second published_at.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.claims import LEASE, Claim, ClaimBusy, ClaimState, takeable

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _entity(claim: Claim) -> dict[str, Any]:
    return {
        "PartitionKey": claim.customer_number,
        "RowKey": claim.doc_id,
        "owner": claim.owner,
        "state": claim.state.value,
        "published_at": claim.published_at.isoformat(),
        "lease_until": claim.lease_until.isoformat(),
    }


def _claim(entity: Any) -> Claim:
    return Claim(
        customer_number=entity["PartitionKey"],
        doc_id=entity["RowKey"],
        owner=entity.get("owner", ""),
        state=ClaimState(entity.get("state", ClaimState.WORKING.value)),
        published_at=datetime.fromisoformat(entity["published_at"]),
        lease_until=datetime.fromisoformat(entity["lease_until"]),
    )


class ClaimStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def claim(self, customer_number: str, doc_id: str, owner: str, now: datetime) -> Claim:
        """Claim the document for `owner`. Returns the claim (state DONE if filed already);
        raises ClaimBusy when another attempt holds a live lease."""
        fresh = Claim(customer_number, doc_id, owner, ClaimState.WORKING, now, now + LEASE)
        try:
            self.table.create_entity(_entity(fresh))
            return fresh
        except ResourceExistsError:
            pass
        entity = self.table.get_entity(customer_number, doc_id)
        existing = _claim(entity)
        if existing.state is ClaimState.DONE:
            return existing
        if not takeable(existing, owner, now):
            raise ClaimBusy(existing)
        taken = Claim(customer_number, doc_id, owner, ClaimState.WORKING, existing.published_at, now + LEASE)
        try:
            self.table.update_entity(
                _entity(taken), mode=UpdateMode.REPLACE,
                etag=entity.metadata["etag"], match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            raise ClaimBusy(existing) from None  # another attempt took it over first
        return taken

    def complete(self, claim: Claim) -> None:
        done = Claim(claim.customer_number, claim.doc_id, claim.owner, ClaimState.DONE, claim.published_at, _EPOCH)
        self.table.upsert_entity(_entity(done), mode=UpdateMode.REPLACE)

    def release(self, claim: Claim) -> None:
        """End the lease early after a failure so the host's immediate retry can proceed."""
        try:
            entity = self.table.get_entity(claim.customer_number, claim.doc_id)
            if _claim(entity).owner != claim.owner or entity.get("state") != ClaimState.WORKING.value:
                return
            released = Claim(
                claim.customer_number, claim.doc_id, claim.owner, ClaimState.WORKING, claim.published_at, _EPOCH
            )
            self.table.update_entity(
                _entity(released), mode=UpdateMode.REPLACE,
                etag=entity.metadata["etag"], match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceNotFoundError, ResourceModifiedError):
            return

    def get(self, customer_number: str, doc_id: str) -> Claim | None:
        try:
            return _claim(self.table.get_entity(customer_number, doc_id))
        except ResourceNotFoundError:
            return None


def claim_store(ctx: Any) -> ClaimStore:
    return ctx.memo("filing_claims", lambda: ClaimStore(ctx.storage.table("filingclaims")))
