"""Claims on filing work (aws-powertools idempotency style): one record per document id.

The first claim fixes `published_at` for good; a claim held by another attempt is
respected until its lease ends, so a crashed attempt is taken over by a later one.
Completion is not recorded here: a document is complete when the index has its id
entity (written last), which saves one write per document.

A claim also remembers how a document ENDED: withdrawn by an advisor (marked before anything
is deleted), so the same content can never be filed again — not by the refile timer, a
redelivered event or the same bytes dropped again. Content whose retention is over is
recognised by the claim's `published_at` alone. Claims outlive their document by the
retention period (then the minimisation sweep removes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

LEASE: Final = timedelta(minutes=2)


class Ended(StrEnum):
    """How a filed document ended, as far as filing must remember it."""

    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Claim:
    customer_number: str
    doc_id: str
    owner: str
    published_at: datetime
    lease_until: datetime
    fresh: bool = True  # False: an earlier attempt made the claim (a retry, a takeover)
    ended: str = ""  # Ended.WITHDRAWN once an advisor withdrew the document
    ended_at: datetime | None = None


class ClaimError(Exception):
    """Base of the claim store's failures."""


class ClaimBusy(ClaimError):
    """Another attempt holds a live lease on this document; it will finish (or its lease ends)."""

    def __init__(self, existing: Claim) -> None:
        super().__init__(f"claim held until {existing.lease_until.isoformat()}")
        self.existing = existing


class ClaimEnded(ClaimError):
    """The document was withdrawn: this content is never filed again."""

    def __init__(self, existing: Claim) -> None:
        super().__init__(f"document ended: {existing.ended}")
        self.existing = existing


def content_expired(claim: Claim, retention_days: int, now: datetime) -> bool:
    """This content was published long enough ago that retention deletes (or deleted) it: filing
    it again would bring it back with its old `published_at`, already past its deletion time."""
    return claim.published_at + timedelta(days=retention_days) <= now


def claim_outlived(claim: Claim, retention_days: int, now: datetime) -> bool:
    """A claim may go once its document ended a retention period ago: withdrawn documents are
    remembered for the retention period after the withdrawal, every other claim for the
    retention period after its document's deletion time."""
    period = timedelta(days=retention_days)
    ended_at = claim.ended_at if claim.ended and claim.ended_at else claim.published_at + period
    return ended_at + period <= now


def takeable(existing: Claim, owner: str, now: datetime) -> bool:
    """A claim can be taken over by its own owner, or by anyone once its lease has ended."""
    return existing.owner == owner or existing.lease_until <= now
