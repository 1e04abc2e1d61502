"""Each person's notification choices in Table `notifyprefs` (partition `prefs`, row key the
person's `{tid}_{oid}`). A person without an entity has the defaults (daily digest,
reminders on). One partition, so the digest reads everybody's choices in one query per run
instead of one read per person."""

from __future__ import annotations

from typing import Any, Final

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.languages import LANGUAGES
from shared.domain.notifications import Frequency, Preferences, person_key

PARTITION: Final = "prefs"


def _from_entity(entity: Any) -> Preferences:
    raw = entity.get("new_documents", Frequency.DAILY.value)
    frequency = Frequency(raw) if raw in {f.value for f in Frequency} else Frequency.DAILY
    language = entity.get("language", "")
    return Preferences(frequency, bool(entity.get("expiry_reminders", True)), language if language in LANGUAGES else "")


def _checked(person: str) -> str:
    tid, _, oid = person.partition("_")
    return person_key(tid, oid)  # raises ValueError for anything that is not a person key


class PreferenceStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def get(self, person: str) -> Preferences:
        """`person` is `person_key(tid, oid)` (or what a verified unsubscribe token names)."""
        try:
            return _from_entity(self.table.get_entity(PARTITION, _checked(person)))
        except (ResourceNotFoundError, ValueError):
            return Preferences()

    def put(self, person: str, prefs: Preferences) -> None:
        self.table.upsert_entity(
            {
                "PartitionKey": PARTITION,
                "RowKey": _checked(person),
                "new_documents": prefs.new_documents.value,
                "expiry_reminders": prefs.expiry_reminders,
                "language": prefs.language,
            },
            mode=UpdateMode.REPLACE,
        )

    def all(self) -> dict[str, Preferences]:
        """person key → choices, for everybody who ever chose (one partition read)."""
        entities = self.table.query_entities("PartitionKey eq @pk", parameters={"pk": PARTITION})
        return {e["RowKey"]: _from_entity(e) for e in entities}

    def delete(self, person: str) -> None:
        """Forget a person's choices (their access has ended); safe to repeat."""
        try:
            self.table.delete_entity(PARTITION, _checked(person))
        except (ResourceNotFoundError, ValueError):
            return
