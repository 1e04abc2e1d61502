"""Use cases of the public access request: submit the form, verify the address.

Given their ports (stores, outbox, limiter, mail renderer, clock, settings) from outside, so
the same code runs on Azure, the dev host and in tests. Every valid submission ends the same
way for the caller — new, duplicate or honeypot — so the form reveals nothing about who asked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from shared.clock import Clock
from shared.domain.access_request import (
    AccessForm,
    AccessRequest,
    StaleAccessRequest,
    Status,
    VerifyOutcome,
    new_token,
    plausible_token,
    token_hash,
    validate,
)
from shared.domain.companies import Company
from shared.domain.emails import email_fingerprint
from shared.domain.rate_limit import RateLimit, network_key
from shared.services.ports import CompanyLookup, Mail, Outbox
from shared.settings import Settings

log = logging.getLogger("portal.access")

HOUR = timedelta(hours=1)
CLIENT_ACTION = "ip.access_request"
EMAIL_ACTION = "email.access_request"


class RequestStore(Protocol):
    def get(self, request_id: str) -> AccessRequest | None: ...
    def find_open(self, email: str, customer_number: str) -> AccessRequest | None: ...
    def save(self, req: AccessRequest, etag: str | None = None) -> AccessRequest: ...


class TokenStore(Protocol):
    def put(self, token_hash: str, request_id: str, expires_at: datetime) -> None: ...
    def get(self, token_hash: str) -> Any: ...
    def mark_used(self, token: Any, when: datetime) -> bool: ...


class Limiter(Protocol):
    def hit(self, limit: RateLimit, key: str) -> None: ...


class Mails(Protocol):
    def confirmation(self, req: AccessRequest, link: str) -> Mail: ...
    def advisor_notice(self, req: AccessRequest, company: Company | None) -> Mail: ...


@dataclass(frozen=True)
class AccessPorts:
    requests: RequestStore
    tokens: TokenStore
    outbox: Outbox
    limiter: Limiter
    companies: CompanyLookup
    mails: Mails
    clock: Clock
    settings: Settings
    normalise_email: Callable[[str], str | None]
    new_request_id: Callable[[], str]


class Submitted(StrEnum):
    """What became of a valid submission; the caller answers all of them alike."""

    NEW = "new"
    RESENT = "resent"  # an unverified request asked again: a fresh confirmation link
    DUPLICATE = "duplicate"  # already pending: nothing to do
    HONEYPOT = "honeypot"  # a bot filled the hidden field: nothing stored


def limits(settings: Settings) -> tuple[RateLimit, RateLimit]:
    return (
        RateLimit(CLIENT_ACTION, settings.rate_limit_client_per_hour, HOUR),
        RateLimit(EMAIL_ACTION, settings.rate_limit_email_per_hour, HOUR),
    )


def submit(raw: Mapping[str, Any], *, client: str, default_language: str, ports: AccessPorts) -> Submitted:
    """Validate, rate-limit, de-duplicate, store and enqueue the confirmation.

    Raises InvalidForm (422) or RateLimited (429). Limits are counted only for valid input,
    before anything is written, per client address and per e-mail address.
    """
    form = validate(raw, default_language=default_language, normalise_email=ports.normalise_email)
    per_client, per_email = limits(ports.settings)
    ports.limiter.hit(per_client, network_key(client))  # an IPv6 client counts by its /64
    ports.limiter.hit(per_email, form.email.casefold())
    who = email_fingerprint(form.email)
    if form.honeypot_filled:
        log.info("access request dropped: honeypot filled (email %s)", who)
        return Submitted.HONEYPOT
    existing = ports.requests.find_open(form.email, form.customer_number)
    if existing is not None and existing.status == Status.PENDING:
        log.info("access request %s: duplicate of a pending request (email %s)", existing.request_id, who)
        return Submitted.DUPLICATE
    if existing is not None:
        _send_confirmation(existing, ports)
        log.info("access request %s: asked again while unverified, new link sent (email %s)", existing.request_id, who)
        return Submitted.RESENT
    req = ports.requests.save(_new_request(form, ports))
    _send_confirmation(req, ports)
    log.info("access request %s stored as unverified (email %s)", req.request_id, who)
    return Submitted.NEW


def _new_request(form: AccessForm, ports: AccessPorts) -> AccessRequest:
    return AccessRequest(
        request_id=ports.new_request_id(),
        status=Status.UNVERIFIED,
        company_name=form.company_name,
        customer_number=form.customer_number,
        first_name=form.first_name,
        last_name=form.last_name,
        email=form.email,
        phone=form.phone,
        lines=form.lines,
        language=form.language,
        consent_version=ports.settings.consent_version,
        created_at=ports.clock.now(),
    )


def verification_link(settings: Settings, token: str) -> str:
    return f"{settings.base_url.rstrip('/')}/api/access-request/verify?token={token}"


def _send_confirmation(req: AccessRequest, ports: AccessPorts) -> None:
    """A fresh one-time token (only its hash stored), then the mail that carries it."""
    token = new_token()
    hashed = token_hash(token)
    expires = ports.clock.now() + timedelta(hours=ports.settings.verification_ttl_hours)
    ports.tokens.put(hashed, req.request_id, expires)
    mail = ports.mails.confirmation(req, verification_link(ports.settings, token))
    ports.outbox.enqueue(
        req.email, mail.subject, mail.text, mail.html, mail.language, "access_confirm", dedupe_key=f"confirm:{hashed}"
    )


@dataclass(frozen=True)
class Verification:
    outcome: VerifyOutcome
    language: str | None  # the request's language, when the token belonged to one


def verify(token: str, ports: AccessPorts) -> Verification:
    """Use a verification link once: the request becomes pending and its advisor is notified.

    Order matters for a crash at any step: the request changes state first (conditional
    write), then the token is spent (conditional write), then the notice is enqueued with a
    dedupe key — so a repeated or concurrent use never notifies twice and never loses one.
    """
    if not plausible_token(token):
        return Verification(VerifyOutcome.INVALID, None)
    record = ports.tokens.get(token_hash(token))
    req = ports.requests.get(record.request_id) if record is not None else None
    if record is None or req is None:
        return Verification(VerifyOutcome.INVALID, None)
    now = ports.clock.now()
    if record.used_at is not None:
        return Verification(VerifyOutcome.USED, req.language)
    if now >= record.expires_at:
        return Verification(VerifyOutcome.EXPIRED, req.language)
    moved = False
    for _ in range(3):
        if req.status != Status.UNVERIFIED:
            break
        try:
            req = ports.requests.save(replace(req, status=Status.PENDING, verified_at=now))
            moved = True
            break
        except StaleAccessRequest:
            fresh = ports.requests.get(req.request_id)
            if fresh is None:
                return Verification(VerifyOutcome.INVALID, None)
            req = fresh
    ports.tokens.mark_used(record, now)
    if req.status == Status.PENDING:
        _notify_advisor(req, ports)
    if moved:
        log.info("access request %s verified, now pending", req.request_id)
        return Verification(VerifyOutcome.VERIFIED, req.language)
    return Verification(VerifyOutcome.USED, req.language)


def _notify_advisor(req: AccessRequest, ports: AccessPorts) -> None:
    """The company's advisor, or the default advisors' address for an unknown company."""
    company = ports.companies.get(req.customer_number)
    to = (company.advisor_email if company else "") or ports.settings.default_advisor_email
    mail = ports.mails.advisor_notice(req, company)
    ports.outbox.enqueue(
        to, mail.subject, mail.text, mail.html, mail.language, "access_notice", dedupe_key=f"notice:{req.request_id}"
    )
