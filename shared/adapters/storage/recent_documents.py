"""Documents by publication time, read through the index (no table of its own).

One company (the portal's "new" counts): the `~p-` rows of its `docsearch` partition, keyed
by inverted publication time — one single-partition range read, written in the batch filing
already makes for the search rows and removed with them (withdrawal, retention).

Everybody (the digest run): `docexpiry` is partitioned by the day of `deletes_at`, which
filing sets to `published_at` + the retention period, so the documents published in
[start, end) live in the day partitions [start + retention, end + retention] — one or two
partitions for a day, eight for a week; what the run reads grows with the documents of the
window, never with everything stored. Caveat: a document filed under another retention
setting sits in another day partition (after such a change it is simply not "new" any more).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from azure.data.tables import TableClient

from shared.adapters.storage.index_rows import recent_range, record_of, timestamp_text
from shared.domain.companies import valid_customer_number
from shared.domain.documents import DocumentRecord


class RecentDocuments:
    def __init__(self, expiry: TableClient, search: TableClient, retention_days: int) -> None:
        self.expiry = expiry
        self.search = search
        self.retention = timedelta(days=retention_days)

    def published_between(
        self, start: datetime, end: datetime, customer_number: str | None = None
    ) -> list[DocumentRecord]:
        """Documents first filed in [start, end): for one company one range read of its `docsearch`
        partition (newest first); for everybody the expiry day partitions (oldest day first)."""
        if customer_number is not None:
            if not valid_customer_number(customer_number):
                return []
            lo, hi = recent_range(start, end)
            entities = self.search.query_entities(
                "PartitionKey eq @pk and RowKey ge @lo and RowKey lt @hi",
                parameters={"pk": customer_number, "lo": lo, "hi": hi},
                results_per_page=1000,
            )
            return [record_of(e) for e in entities]
        lo = (start + self.retention).astimezone(UTC).strftime("%Y%m%d")
        hi = (end + self.retention).astimezone(UTC).strftime("%Y%m%d")
        entities = self.expiry.query_entities(
            "PartitionKey ge @lo and PartitionKey le @hi and published_at ge @start and published_at lt @end",
            parameters={"lo": lo, "hi": hi, "start": timestamp_text(start), "end": timestamp_text(end)},
            results_per_page=1000,
        )
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

