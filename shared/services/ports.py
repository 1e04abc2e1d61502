"""The narrow ports identity use cases need, as Protocols: the Table/Graph adapters satisfy
them, and unit tests may pass small in-memory stand-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from shared.domain.audit import AuditEvent
from shared.domain.companies import Company
from shared.domain.identity import Grant, Principal
from shared.domain.sessions import Session


class Sessions(Protocol):
    def create(self, principal: Principal, language: str, now: datetime) -> Session: ...
    def delete(self, session_id: str) -> None: ...


class Grants(Protocol):
    def put(self, grant: Grant) -> None: ...
    def get(self, grant_id: str) -> Grant | None: ...
    def for_person(self, tid: str, oid: str) -> list[Grant]: ...
    def active_for(self, tid: str, oid: str) -> list[Grant]: ...
    def for_company(self, customer_number: str) -> list[Grant]: ...


class Audit(Protocol):
    def append(self, event: AuditEvent) -> None: ...


class Inviter(Protocol):
    """Graph `POST /invitations`, or the local directory stand-in: returns the invitee's oid."""

    @property
    def tenant(self) -> str: ...
    def invite(self, email: str, redirect_url: str, language: str, display_name: str = "") -> str: ...


class Outbox(Protocol):
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


class Companies(Protocol):
    def get(self, customer_number: str) -> Company | None: ...
    def set_enrolled(self, customer_number: str, enrolled: bool) -> Company | None: ...


class MailRenderer(Protocol):
    def __call__(self, name: str, lang: str, context: dict[str, Any]) -> tuple[str, str, str]: ...
