"""A record that someone received a document (a link or a ZIP), kept per document so a
withdrawal can say who may already hold a copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.timestamps import utc_iso_or_none


@dataclass(frozen=True)
class SignedLink:
    """A read-only SAS URL for one blob and the window it is valid in."""

    url: str
    starts_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class IssuedLink:
    doc_id: str
    kind: str  # "link", "view" (opened in the browser) or "zip"
    issued_at: datetime
    expires_at: datetime | None
    actor: str
    actor_email: str
    client: str
    customer_number: str
    line: str = ""
    doc_type: str = ""
    # The document's deletion date: the person's download state goes with the document.
    deletes_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "issued_at": utc_iso_or_none(self.issued_at),
            "expires_at": utc_iso_or_none(self.expires_at),
            "actor": self.actor,
            "email": self.actor_email,
            "client": self.client,
        }
