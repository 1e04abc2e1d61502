"""The access-request use cases over in-memory ports: the orders that matter after a crash,
which the HTTP tests cannot stage (Azurite behaviour is covered in tests/integration/access)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.adapters.mail.email_syntax import normalise_email
from shared.adapters.mail.render import AccessMails
from shared.clock import MutableClock
from shared.domain.access_request import AccessRequest, InvalidForm, StaleAccessRequest, VerifyOutcome, token_hash
from shared.domain.companies import Company
from shared.domain.rate_limit import RateLimit, RateLimited, Window, hit
from shared.services import access_requests as service
from shared.settings import Settings


class Requests:
    def __init__(self) -> None:
        self.rows: dict[str, AccessRequest] = {}
        self.versions = itertools.count(1)

    def get(self, request_id: str) -> AccessRequest | None:
        return self.rows.get(request_id)

    def find_open(self, email: str, customer_number: str) -> AccessRequest | None:
        for row in self.rows.values():
            if (row.email.casefold(), row.customer_number) == (email.casefold(), customer_number) and row.status in {
                "unverified",
                "pending",
            }:
                return row
        return None

    def save(self, req: AccessRequest, etag: str | None = None) -> AccessRequest:
        current = self.rows.get(req.request_id)
        condition = etag if etag is not None else req.etag
        if (current is None) == bool(condition) or (current is not None and current.etag != condition):
            raise StaleAccessRequest(req.request_id)
        saved = replace(req, etag=str(next(self.versions)))
        self.rows[req.request_id] = saved
        return saved


@dataclass
class Token:
    request_id: str
    expires_at: datetime
    used_at: datetime | None = None


class Tokens:
    def __init__(self) -> None:
        self.rows: dict[str, Token] = {}

    def put(self, hashed: str, request_id: str, expires_at: datetime) -> None:
        self.rows[hashed] = Token(request_id, expires_at)

    def get(self, hashed: str) -> Token | None:
        row = self.rows.get(hashed)
        return replace(row) if row else None

    def mark_used(self, token: Token, when: datetime) -> bool:
        for row in self.rows.values():
            if row.request_id == token.request_id and row.expires_at == token.expires_at and row.used_at is None:
                row.used_at = when
                return True
        return False


class Outbox:
    def __init__(self) -> None:
        self.mails: list[dict[str, Any]] = []
        self.keys: set[str] = set()

    def enqueue(self, to: str, subject: str, text: str, html: str, language: str, kind: str,
                dedupe_key: str | None = None) -> None:
        if dedupe_key in self.keys:
            return
        if dedupe_key:
            self.keys.add(dedupe_key)
        self.mails.append({"to": to, "subject": subject, "text": text, "kind": kind, "language": language})


class Limiter:
    def __init__(self, clock: MutableClock) -> None:
        self.clock = clock
        self.windows: dict[tuple[str, str], Window] = {}
        self.calls: list[str] = []

    def hit(self, limit: RateLimit, key: str) -> None:
        self.calls.append(limit.action)
        self.windows[(limit.action, key)] = hit(limit, self.windows.get((limit.action, key)), self.clock.now())


class Companies:
    def __init__(self, *companies: Company) -> None:
        self.rows = {c.customer_number: c for c in companies}

    def get(self, customer_number: str) -> Company | None:
        return self.rows.get(customer_number)


@pytest.fixture
def ports() -> service.AccessPorts:
    clock = MutableClock()
    settings = Settings(rate_limit_email_per_hour=2, rate_limit_client_per_hour=10)
    ids = (f"{n:032x}" for n in itertools.count(1))
    return service.AccessPorts(
        requests=Requests(),
        tokens=Tokens(),
        outbox=Outbox(),
        limiter=Limiter(clock),
        companies=Companies(Company("100200", "Muster Bau AG", ("IJM",), advisor_email="berta@versicherer.ch")),
        mails=AccessMails(settings),
        clock=clock,
        settings=settings,
        normalise_email=normalise_email,
        new_request_id=lambda: next(ids),
    )


RAW = {
    "company_name": "Muster Bau AG",
    "customer_number": "100200",
    "first_name": "Anna",
    "last_name": "Muster",
    "email": "anna@muster-bau.ch",
    "lines": ["IJM"],
    "language": "en",
    "consent": True,
}


def _token(ports: service.AccessPorts) -> str:
    text = ports.outbox.mails[-1]["text"]  # type: ignore[attr-defined]
    return str(text.split("token=", 1)[1].split()[0])


def test_invalid_input_never_reaches_the_limiter(ports: service.AccessPorts) -> None:
    with pytest.raises(InvalidForm):
        service.submit({**RAW, "email": "info@muster-bau.ch"}, client="c", default_language="de", ports=ports)
    assert ports.limiter.calls == []  # type: ignore[attr-defined]


def test_limits_are_checked_before_the_honeypot_so_bots_are_limited_too(ports: service.AccessPorts) -> None:
    for _ in range(2):
        outcome = service.submit({**RAW, "website": "x"}, client="c", default_language="de", ports=ports)
        assert outcome is service.Submitted.HONEYPOT
    with pytest.raises(RateLimited):
        service.submit({**RAW, "website": "x"}, client="c", default_language="de", ports=ports)
    assert ports.limiter.calls[:2] == ["ip.access_request", "email.access_request"]  # type: ignore[attr-defined]


def test_outcomes_new_resent_duplicate(ports: service.AccessPorts) -> None:
    assert service.submit(RAW, client="c", default_language="de", ports=ports) is service.Submitted.NEW
    assert service.submit(RAW, client="c", default_language="de", ports=ports) is service.Submitted.RESENT
    ports.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    assert service.verify(_token(ports), ports).outcome is VerifyOutcome.VERIFIED
    assert service.submit(RAW, client="c", default_language="de", ports=ports) is service.Submitted.DUPLICATE


def test_a_crash_after_the_state_change_still_notifies_once_on_the_next_use(ports: service.AccessPorts) -> None:
    """GIVEN a request made pending whose token was never spent (crash) WHEN the link is used again
    THEN the advisor is notified (once) and the applicant told it is already confirmed."""
    service.submit(RAW, client="c", default_language="de", ports=ports)
    token = _token(ports)
    [req] = ports.requests.rows.values()  # type: ignore[attr-defined]
    ports.requests.save(replace(req, status="pending"))
    result = service.verify(token, ports)
    assert result == service.Verification(VerifyOutcome.USED, "en")
    notices = [m for m in ports.outbox.mails if m["kind"] == "access_notice"]  # type: ignore[attr-defined]
    assert len(notices) == 1 and notices[0]["to"] == "berta@versicherer.ch"
    assert ports.tokens.get(token_hash(token)).used_at is not None
    assert service.verify(token, ports).outcome is VerifyOutcome.USED
    assert len([m for m in ports.outbox.mails if m["kind"] == "access_notice"]) == 1  # type: ignore[attr-defined]


def test_a_decided_request_is_not_reopened_by_an_old_link(ports: service.AccessPorts) -> None:
    service.submit(RAW, client="c", default_language="de", ports=ports)
    token = _token(ports)
    [req] = ports.requests.rows.values()  # type: ignore[attr-defined]
    ports.requests.save(replace(req, status="rejected"))
    assert service.verify(token, ports).outcome is VerifyOutcome.USED
    assert next(iter(ports.requests.rows.values())).status == "rejected"  # type: ignore[attr-defined]
    assert not [m for m in ports.outbox.mails if m["kind"] == "access_notice"]  # type: ignore[attr-defined]


def test_verification_link_points_at_the_base_url(ports: service.AccessPorts) -> None:
    link = service.verification_link(ports.settings.with_overrides(base_url="https://p.example.ch/"), "T" * 43)
    assert link == "https://p.example.ch/api/access-request/verify?token=" + "T" * 43
