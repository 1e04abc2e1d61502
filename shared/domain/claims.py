"""Claims on filing work (aws-powertools idempotency style): one record per document id.

The first claim fixes `published_at` for good; a claim held by another attempt is
respected until its lease ends, so a crashed attempt is taken over by a later one.
Completion is not recorded here: a document is complete when the index has its id
entity (written last), which saves one write per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

LEASE: Final = timedelta(minutes=2)


@dataclass(frozen=True)
class Claim:
    customer_number: str
    doc_id: str
    owner: str
    published_at: datetime
    lease_until: datetime
    fresh: bool = True  # False: an earlier attempt made the claim (a retry, a takeover)


class ClaimError(Exception):
    """Base of the claim store's failures."""


class ClaimBusy(ClaimError):
    """Another attempt holds a live lease on this document; it will finish (or its lease ends)."""

    def __init__(self, existing: Claim) -> None:
        super().__init__(f"claim held until {existing.lease_until.isoformat()}")
        self.existing = existing


def takeable(existing: Claim, owner: str, now: datetime) -> bool:
    """A claim can be taken over by its own owner, or by anyone once its lease has ended."""
    return existing.owner == owner or existing.lease_until <= now
