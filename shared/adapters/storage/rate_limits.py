"""Rate-limit counters in Table storage `ratelimits`: partition = action, row = hash of the key.

Each hit is one conditional write (ETag or insert-if-absent), retried on a race, so
concurrent requests on several instances count correctly. Keys are hashed: they are
e-mail or network addresses (personal data, and not safe as Table keys).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.clock import Clock
from shared.domain.rate_limit import RateLimit, RateLimited, Window, counted, hit

log = logging.getLogger("portal.ratelimit")
_ATTEMPTS = 8


class RateLimiter:
    def __init__(self, table: TableClient, clock: Clock) -> None:
        self.table = table
        self.clock = clock

    def hit(self, limit: RateLimit, key: str) -> None:
        """Count one hit for `key`; raises RateLimited (nothing counted) when over the limit."""
        if self._step(limit, key, lambda window, now: hit(limit, window, now)) is None:
            # Under extreme contention fail closed: this is an abuse guard.
            log.warning("rate limit %s: too much contention, refusing", limit.action)
            raise RateLimited(limit.action, 1)

    def count(self, limit: RateLimit, key: str) -> int:
        """Count one hit for `key` in `limit`'s window, never refusing: the hits so far in the
        window (this one included), or 0 when contention kept it from being counted."""
        after = self._step(limit, key, lambda window, now: counted(limit, window, now))
        return 0 if after is None else after.count

    def _step(self, limit: RateLimit, key: str, step: Callable[[Window | None, datetime], Window]) -> Window | None:
        """Read the window, apply `step` (which may raise), write it back conditionally; retried
        when another request wrote first. None when contention never let it through."""
        row = hashlib.sha256(f"{limit.action}|{key}".encode()).hexdigest()
        for _ in range(_ATTEMPTS):
            try:
                entity: Any = self.table.get_entity(limit.action, row)
            except ResourceNotFoundError:
                entity = None
            current = None if entity is None else Window(started=entity["started"], count=int(entity["count"]))
            after = step(current, self.clock.now())
            record = {"PartitionKey": limit.action, "RowKey": row, "started": after.started, "count": after.count}
            try:
                if entity is None:
                    self.table.create_entity(record)
                else:
                    self.table.update_entity(
                        record,
                        mode=UpdateMode.REPLACE,
                        etag=entity.metadata["etag"],
                        match_condition=MatchConditions.IfNotModified,
                    )
                return after
            except (ResourceExistsError, ResourceModifiedError):
                continue  # another request counted first: read again
        return None

    def spent(self, started_before: datetime) -> Iterator[str]:
        """Keys (`action/hash`) of counters whose window opened before `started_before`: hashed
        keys are still pseudonymous personal data, so the retention sweep removes them."""
        stale = self.table.query_entities(
            "started lt @cutoff", parameters={"cutoff": started_before}, select=["PartitionKey", "RowKey"]
        )
        for entity in stale:
            yield f"{entity['PartitionKey']}/{entity['RowKey']}"  # "/" never occurs in a Table key

    def delete_key(self, key: str) -> bool:
        """Delete one counter by its `spent` key; False when it was already gone."""
        partition, _, row = key.partition("/")
        try:
            self.table.delete_entity(partition, row)
        except ResourceNotFoundError:
            return False
        return True

    def purge(self, started_before: datetime) -> int:
        """Delete every spent counter at once; returns how many (the sweep's path, in one call)."""
        return sum(self.delete_key(key) for key in list(self.spent(started_before)))
