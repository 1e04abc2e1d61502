"""Documents by publication time, read through the index's expiry day partitions.

`docexpiry` is partitioned by the day of `deletes_at`, which filing sets to `published_at`
+ the retention period. So the documents published in [start, end) live in the day
partitions [start + retention, end + retention]: a digest run and the portal's "new" counts
read only those few partitions — what they read grows with the documents published in the
window, never with everything stored. Within a day partition the row key starts with the
customer number, so one company's recent documents are a row-key range in each.

Caveat: a document filed under another retention setting sits in another day partition; a
changed `PORTAL_RETENTION_DAYS` therefore shifts the window for documents filed before the
change (they are simply not "new" any more).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from azure.data.tables import TableClient

from shared.adapters.storage.index_rows import record_of, timestamp_text
from shared.domain.companies import valid_customer_number
from shared.domain.documents import DocumentRecord


class RecentDocuments:
    def __init__(self, expiry: TableClient, retention_days: int) -> None:
        self.expiry = expiry
        self.retention = timedelta(days=retention_days)

    def published_between(
        self, start: datetime, end: datetime, customer_number: str | None = None
    ) -> list[DocumentRecord]:
        """Documents first filed in [start, end), oldest day first; one query (paged by 1000)."""
        lo = (start + self.retention).astimezone(UTC).strftime("%Y%m%d")
        hi = (end + self.retention).astimezone(UTC).strftime("%Y%m%d")
        clauses = ["PartitionKey ge @lo", "PartitionKey le @hi", "published_at ge @start", "published_at lt @end"]
        params: dict[str, Any] = {"lo": lo, "hi": hi, "start": timestamp_text(start), "end": timestamp_text(end)}
        if customer_number is not None:
            if not valid_customer_number(customer_number):
                return []
            clauses += ["RowKey ge @clo", "RowKey lt @chi"]
            params.update({"clo": f"{customer_number}-", "chi": f"{customer_number}."})
        entities = self.expiry.query_entities(" and ".join(clauses), parameters=params, results_per_page=1000)
        return [record_of(e) for e in entities]

    def deleted_on(self, day: datetime, customer_numbers: set[str] | None = None) -> list[DocumentRecord]:
        """Documents whose deletion falls on this UTC day: one day partition (the expiry reminder)."""
        entities = self.expiry.query_entities(
            "PartitionKey eq @day", parameters={"day": day.astimezone(UTC).strftime("%Y%m%d")}, results_per_page=1000
        )
        records = [record_of(e) for e in entities]
        if customer_numbers is None:
            return records
        return [r for r in records if r.customer_number in customer_numbers]

