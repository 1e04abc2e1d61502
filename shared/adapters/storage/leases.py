"""Named leases in Table storage `ratelimits` (partition `lease`): one holder at a time
across processes and instances, for work that must not overlap (a retention run, a ZIP per
session). Acquiring is one conditional write (insert-if-absent, or ETag replace of an
expired lease), so two instances can never both hold one.

The entities sit beside the rate-limit counters because they are the same kind of thing:
short-lived guards with a `started` time, purged by the same minimisation rule a day later.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

PARTITION = "lease"
_UNCHANGED = MatchConditions.IfNotModified


class Leases:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    @staticmethod
    def _row(name: str) -> str:
        return hashlib.sha256(name.encode()).hexdigest()  # names may carry session ids: never a key

    def acquire(self, name: str, holder: str, now: datetime, duration: timedelta) -> datetime | None:
        """Take the lease for `duration`: when it ends, or None while another holder has it."""
        row = self._row(name)
        record = {"PartitionKey": PARTITION, "RowKey": row, "holder": holder, "started": now, "until": now + duration}
        try:
            self.table.create_entity(record)
            return now + duration
        except ResourceExistsError:
            pass
        try:
            current: Any = self.table.get_entity(PARTITION, row)
        except ResourceNotFoundError:
            return self.acquire(name, holder, now, duration)  # released in between: try once more
        if current["until"] > now:
            return None
        try:
            self.table.update_entity(
                record, mode=UpdateMode.REPLACE, etag=current.metadata["etag"], match_condition=_UNCHANGED
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            return None  # someone else took the expired lease first
        return now + duration

    def held_until(self, name: str) -> datetime | None:
        try:
            current: Any = self.table.get_entity(PARTITION, self._row(name))
        except ResourceNotFoundError:
            return None
        until: datetime = current["until"]
        return until

    def release(self, name: str, holder: str) -> None:
        """Give the lease back if this holder still has it (an expired one may have moved on)."""
        try:
            current: Any = self.table.get_entity(PARTITION, self._row(name))
            if current["holder"] != holder:
                return
            self.table.delete_entity(
                PARTITION, current["RowKey"], etag=current.metadata["etag"], match_condition=_UNCHANGED
            )
        except (ResourceNotFoundError, ResourceModifiedError):
            return
