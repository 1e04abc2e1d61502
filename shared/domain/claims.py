"""Claims on filing work (aws-powertools idempotency style): one record per document id.

The first claim fixes `published_at` for good; a claim held by another attempt is
respected until its lease ends, so a crashed attempt is taken over by a later one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

LEASE: Final = timedelta(minutes=2)


class ClaimState(StrEnum):
    WORKING = "working"
    DONE = "done"


@dataclass(frozen=True)
class Claim:
    customer_number: str
    doc_id: str
    owner: str
    state: ClaimState
    published_at: datetime
    lease_until: datetime


class ClaimError(Exception):
    """Base of the claim store's failures."""


class ClaimBusy(ClaimError):
    """Another attempt holds a live lease on this document; it will finish (or its lease ends)."""

    def __init__(self, existing: Claim) -> None:
        super().__init__(f"claim held until {existing.lease_until.isoformat()}")
        self.existing = existing


def takeable(existing: Claim, owner: str, now: datetime) -> bool:
    """A working claim can be taken over by its own owner or once its lease has ended."""
    return existing.state is ClaimState.WORKING and (existing.owner == owner or existing.lease_until <= now)
