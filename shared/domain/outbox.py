"""A mail in the outbox and its statuses: `pending` → `sending` → `sent`, or `failed` for good."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

PENDING: Final = "pending"
SENDING: Final = "sending"
SENT: Final = "sent"
FAILED: Final = "failed"


@dataclass(frozen=True)
class OutboxMail:
    mail_id: str
    to: str
    subject: str
    text: str
    html: str
    language: str
    kind: str
    created: datetime
    status: str = PENDING
    attempts: int = 0
    sent_at: datetime | None = None
    last_error: str = ""
    retry_at: datetime | None = None
    # Extra RFC 5322 headers the sender adds (List-Unsubscribe and List-Unsubscribe-Post).
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class MailDraft:
    """A rendered mail not stored yet, with the key that makes it once-only."""

    to: str
    subject: str
    text: str
    html: str
    language: str
    kind: str
    dedupe_key: str
    headers: dict[str, str] = field(default_factory=dict)
