"""Claims in Table storage (`filingclaims`, PartitionKey = customer number, RowKey = doc id).

A claim is made with one conditional write: insert-if-absent, or an ETag-matched update
to take over an expired lease. Losing either race surfaces as ClaimBusy with the winner's
record, never as a second published_at. A withdrawn document's claim is marked `ended`
and is never taken over again (ClaimEnded); the minimisation sweep removes claims a
retention period after their document ended (shared/domain/claims.py `claim_outlived`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.claims import LEASE, Claim, ClaimBusy, ClaimEnded, Ended, claim_outlived, takeable

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _entity(claim: Claim) -> dict[str, Any]:
    return {
        "PartitionKey": claim.customer_number,
        "RowKey": claim.doc_id,
        "owner": claim.owner,
        "published_at": claim.published_at.isoformat(),
        "lease_until": claim.lease_until.isoformat(),
        "ended": claim.ended,
        "ended_at": claim.ended_at.isoformat() if claim.ended_at else "",
    }


def _claim(entity: Any) -> Claim:
    return Claim(
        customer_number=entity["PartitionKey"],
        doc_id=entity["RowKey"],
        owner=entity.get("owner", ""),
        published_at=datetime.fromisoformat(entity["published_at"]),
        lease_until=datetime.fromisoformat(entity["lease_until"]),
        fresh=False,
        ended=entity.get("ended", ""),
        ended_at=datetime.fromisoformat(entity["ended_at"]) if entity.get("ended_at") else None,
    )


class ClaimStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def claim(self, customer_number: str, doc_id: str, owner: str, now: datetime) -> Claim:
        """Claim the document for `owner` (fresh, or taken over from an ended lease, keeping its
        published_at); raises ClaimBusy when another attempt holds a live lease, ClaimEnded
        when the document was withdrawn."""
        fresh = Claim(customer_number, doc_id, owner, now, now + LEASE)
        try:
            self.table.create_entity(_entity(fresh))
            return fresh
        except ResourceExistsError:
            pass
        entity = self.table.get_entity(customer_number, doc_id)
        existing = _claim(entity)
        if existing.ended:
            raise ClaimEnded(existing)
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

    def end_withdrawn(self, customer_number: str, doc_id: str, published_at: datetime, now: datetime) -> None:
        """Remember that the document was withdrawn (before anything of it is deleted): a claim
        marked so is never taken over, so filing quarantines the same content as `withdrawn`.
        Unconditional: a filing attempt holding the claim keeps no say over a withdrawal."""
        current = self.get(customer_number, doc_id)
        base = current or Claim(customer_number, doc_id, "", published_at, _EPOCH)
        ended = replace(base, lease_until=_EPOCH, ended=Ended.WITHDRAWN, ended_at=base.ended_at or now)
        self.table.upsert_entity(_entity(ended), mode=UpdateMode.REPLACE)

    def outlived(self, now: datetime, retention_days: int) -> Iterator[str]:
        """Keys (`customer/doc_id`) of claims whose document ended a retention period ago.

        Two filtered reads (published, then withdrawn, long enough ago; ISO-8601 UTC strings
        compare in time order), each claim checked again by the domain rule."""
        period = timedelta(days=retention_days)
        queries = (
            ("published_at lt @cutoff", now - 2 * period),
            ("ended eq 'withdrawn' and ended_at lt @cutoff", now - period),
        )
        seen: set[str] = set()
        for query, cutoff in queries:
            for entity in self.table.query_entities(query, parameters={"cutoff": cutoff.isoformat()}):
                claim = _claim(entity)
                key = f"{claim.customer_number}/{claim.doc_id}"  # "/" never occurs in a Table key
                if key not in seen and claim_outlived(claim, retention_days, now):
                    seen.add(key)
                    yield key

    def delete_key(self, key: str) -> None:
        customer_number, _, doc_id = key.partition("/")
        try:
            self.table.delete_entity(customer_number, doc_id)
        except ResourceNotFoundError:
            return
