"""An audit record: who did what, when, from where — never document content."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.timestamps import utc_iso


@dataclass(frozen=True)
class AuditEvent:
    action: str  # e.g. "link.issued", "login", "grant.revoked", "retention.deleted"
    at: datetime
    actor: str  # "tid/oid" of a person, or "system:<component>"
    actor_email: str = ""
    client: str = ""
    target: str = ""  # e.g. document id, grant id, request id
    customer_number: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        data["at"] = utc_iso(self.at)
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
