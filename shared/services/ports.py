"""Ports shared by several use cases, as Protocols (one each: the audit log, the company
registry, grants, sessions, the outbox, the inviter): the Table/Graph adapters satisfy
them, and unit tests may pass small in-memory stand-ins. Ports only one use case needs live
beside it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.domain.audit import AuditEvent
from shared.domain.companies import Company
from shared.domain.identity import Grant, Principal
from shared.domain.sessions import Session


class Sessions(Protocol):
    def create(
        self, principal: Principal, language: str, now: datetime, grants: Sequence[Grant] | None = None
    ) -> Session: ...
    def touch(self, session: Session, now: datetime, grants: Sequence[Grant] | None = None) -> Session: ...
    def delete(self, session_id: str) -> None: ...


class Grants(Protocol):
    """Grants keyed by the person's (tid, oid); raises GrantKeyError (a ValueError) for an id,
    tid, oid or customer number that cannot be a key."""

    def put(self, grant: Grant) -> None: ...
    def get(self, grant_id: str) -> Grant | None: ...
    def for_person(self, tid: str, oid: str) -> list[Grant]: ...
    def active_for(self, tid: str, oid: str) -> list[Grant]: ...
    def for_company(self, customer_number: str) -> list[Grant]: ...
    def signed_in(self, grant: Grant, when: datetime) -> None: ...


class Audit(Protocol):
    """The append-only audit log; an Azure error propagates (the caller decides whether the
    action may stand without its audit record)."""

    def append(self, event: AuditEvent) -> None: ...

    def append_many(self, events: Sequence[AuditEvent]) -> None:
        """Events that belong together (a ZIP, a retention batch), written as one append: one
        block of the log, so a busy day does not reach the blob's block limit."""
        ...


class Leases(Protocol):
    """Named leases, one holder at a time across instances (a retention run, a ZIP per session)."""

    def acquire(self, name: str, holder: str, now: datetime, duration: timedelta) -> datetime | None:
        """Take the lease: when it ends, or None while another holder has it."""
        ...

    def held_until(self, name: str) -> datetime | None: ...

    def release(self, name: str, holder: str) -> None: ...


class Inviter(Protocol):
    """Graph `POST /invitations`, or the local directory stand-in: returns the invitee's oid.
    Raises GraphRefused / GraphUnavailable (or an Entra error); the use case turns any of
    them into DirectoryUnavailable."""

    @property
    def tenant(self) -> str: ...
    def invite(self, email: str, redirect_url: str, language: str, display_name: str = "") -> str: ...


class Mail(Protocol):
    """A rendered mail, ready for the outbox."""

    @property
    def subject(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def html(self) -> str: ...
    @property
    def language(self) -> str: ...


class Outbox(Protocol):
    """Mails waiting for delivery; enqueue raises OutboxError for a mail too large to store.
    The same dedupe key enqueues once."""

    def enqueue(
        self,
        to: str,
        subject: str,
        text: str,
        html: str,
        language: str,
        kind: str,
        dedupe_key: str | None = None,
    ) -> object: ...


class CompanyLookup(Protocol):
    """The company registry, read: None for an unknown customer number."""

    def get(self, customer_number: str) -> Company | None: ...


class Companies(CompanyLookup, Protocol):
    def set_enrolled(self, customer_number: str, enrolled: bool) -> Company | None: ...


class MailRenderer(Protocol):
    def __call__(self, name: str, lang: str, context: dict[str, Any]) -> tuple[str, str, str]: ...
