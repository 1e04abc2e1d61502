"""Adapters of the retention sweep: one `Purgeable` per
kind of data it minimises, each over the store that owns the data, with its period from
settings (composed by shared/services/retention_sweep.py `sweep`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import ContainerClient

from shared.adapters.identity.auth_flows import FlowStore
from shared.adapters.storage.access_requests import (
    AccessRequestStore,
    VerifyTokenStore,
)
from shared.adapters.storage.archives import Archives
from shared.adapters.storage.audit import AuditLog
from shared.adapters.storage.doc_state import DocStateStore
from shared.adapters.storage.filing_claims import ClaimStore
from shared.adapters.storage.grants import GrantStore
from shared.adapters.storage.link_log import LinkLog
from shared.adapters.storage.outbox import OutboxStore
from shared.adapters.storage.preferences import PreferenceStore
from shared.adapters.storage.rate_limits import RateLimiter
from shared.adapters.storage.sessions import SessionStore
from shared.domain.access_request import Status
from shared.domain.identity import GrantStatus
from shared.domain.notifications import person_key
from shared.domain.retention import RATE_LIMIT_KEEP, Periods, Rule, audit_days_due
from shared.settings import Settings


def periods(settings: Settings) -> Periods:
    return Periods(
        quarantine=timedelta(days=settings.quarantine_ttl_days),
        rejected_request=timedelta(days=settings.rejected_request_ttl_days),
        unverified_request=timedelta(days=settings.unverified_ttl_days),
        revoked_grant=timedelta(days=settings.revoked_grant_ttl_days),
        delivered_mail=timedelta(days=settings.outbox_ttl_days),
        session_idle=timedelta(minutes=settings.session_idle_minutes),
        session_absolute=timedelta(hours=settings.session_absolute_hours),
        rate_limit=RATE_LIMIT_KEEP,
        audit=timedelta(days=settings.audit_keep_days),
    )


class QuarantinedBlobs:
    """Quarantined copies older than the period, by the time they entered quarantine."""

    def __init__(self, container: ContainerClient, period: timedelta) -> None:
        self.container = container
        self.period = period

    def due(self, now: datetime) -> Iterator[str]:
        cutoff = now - self.period
        for props in self.container.list_blobs():
            if props.last_modified < cutoff:
                yield props.name

    def remove(self, key: str) -> None:
        try:
            self.container.get_blob_client(key).delete_blob(delete_snapshots="include")
        except ResourceNotFoundError:
            return


class RequestsInStatus:
    """Access requests of one status whose clock (`decided_at` or `created_at`) ran out."""

    def __init__(self, store: AccessRequestStore, status: str, since: str, period: timedelta) -> None:
        self.store, self.status, self.since, self.period = store, status, since, period

    def due(self, now: datetime) -> Iterator[str]:
        cutoff = now - self.period
        for request in self.store.list_by_status(self.status):
            started = getattr(request, self.since) or request.created_at
            if started < cutoff:
                yield request.request_id

    def remove(self, key: str) -> None:
        self.store.delete(key)


class SpentVerifyTokens:
    """Verification tokens expired longer ago than an unverified request is kept."""

    def __init__(self, store: VerifyTokenStore, period: timedelta) -> None:
        self.store, self.period = store, period

    def due(self, now: datetime) -> Iterator[str]:
        for token in self.store.expired_before(now - self.period):
            yield token.token_hash

    def remove(self, key: str) -> None:
        self.store.delete(key)


class RevokedGrants:
    def __init__(self, store: GrantStore, period: timedelta) -> None:
        self.store, self.period = store, period
        self._found: dict[str, Any] = {}

    def due(self, now: datetime) -> Iterator[str]:
        self._found = {g.grant_id: g for g in self.store.revoked_before(now - self.period)}
        return iter(sorted(self._found))

    def remove(self, key: str) -> None:
        self.store.delete(self._found[key])


class FormerUsersNotificationState:
    """A person's new/downloaded markers and notification choices once their access has ended:
    everyone whose grant is revoked longer than the revoked-grant period and who holds no
    active grant. Runs before `revoked_grants` removes the grants that name them. The markers
    sit in the companies' partitions, so they are found through the companies of the person's
    grants (one range read per company, no scan); markers of a company whose grant went in an
    earlier sweep leave with their document (`download_marks`)."""

    def __init__(self, grants: GrantStore, states: DocStateStore, choices: PreferenceStore, period: timedelta) -> None:
        self.grants, self.states, self.choices, self.period = grants, states, choices, period
        self._companies: dict[str, set[str]] = {}

    def due(self, now: datetime) -> Iterator[str]:
        self._companies = {}
        for grant in self.grants.revoked_before(now - self.period):
            try:
                person = person_key(grant.tid, grant.oid)
            except ValueError:
                continue
            if person in self._companies:
                continue
            theirs = self.grants.for_person(grant.tid, grant.oid)
            if any(g.status is GrantStatus.ACTIVE for g in theirs):
                continue
            self._companies[person] = {g.customer_number for g in theirs} | {grant.customer_number}
        return iter(sorted(self._companies))

    def remove(self, key: str) -> None:
        self.states.delete_person(key, self._companies.get(key, ()))
        self.choices.delete(key)


class DownloadMarksOfDeletedDocuments:
    """New/downloaded markers (`doclinks` state rows) of documents past their deletion date:
    they go with the document."""

    def __init__(self, states: DocStateStore) -> None:
        self.states = states

    def due(self, now: datetime) -> Iterator[str]:
        return self.states.gone_before(now)

    def remove(self, key: str) -> None:
        self.states.delete_key(key)


class ExpiredSessions:
    def __init__(self, store: SessionStore, idle: timedelta, absolute: timedelta) -> None:
        self.store, self.idle, self.absolute = store, idle, absolute

    def due(self, now: datetime) -> Iterable[str]:
        return self.store.expired_keys(now - self.idle, now - self.absolute)

    def remove(self, key: str) -> None:
        self.store.delete_key(key)


class SpentRateLimits:
    """Rate-limit counters whose window opened longer ago than any window lasts."""

    def __init__(self, limiter: RateLimiter, period: timedelta) -> None:
        self.limiter, self.period = limiter, period

    def due(self, now: datetime) -> Iterator[str]:
        return self.limiter.spent(now - self.period)

    def remove(self, key: str) -> None:
        self.limiter.delete_key(key)


class AbandonedSignIns:
    """Sign-ins started but never finished (their one-time record outlived its ten minutes)."""

    def __init__(self, flows: FlowStore) -> None:
        self.flows = flows

    def due(self, now: datetime) -> Iterable[str]:
        return self.flows.abandoned_keys(now)

    def remove(self, key: str) -> None:
        self.flows.delete_key(key)


class DeliveredMails:
    def __init__(self, store: OutboxStore, period: timedelta) -> None:
        self.store, self.period = store, period

    def due(self, now: datetime) -> Iterable[str]:
        return self.store.sent_before(now - self.period)

    def remove(self, key: str) -> None:
        self.store.delete(key)


class IssuedLinkRecords:
    """Who received which document (`doclinks`, with e-mail addresses): a record older than the
    retention period belongs to a document that is already deleted, so it has no purpose left.
    The audit log keeps the same facts for its own, longer period."""

    def __init__(self, log: LinkLog, period: timedelta) -> None:
        self.log, self.period = log, period

    def due(self, now: datetime) -> Iterator[str]:
        return self.log.issued_before(now - self.period)

    def remove(self, key: str) -> None:
        self.log.delete_key(key)


class OldAuditDays:
    """Audit day-blobs past the keep period (> the one-year immutability policy)."""

    def __init__(self, log: AuditLog, keep_days: int) -> None:
        self.log, self.keep_days = log, keep_days

    def due(self, now: datetime) -> Iterator[str]:
        days = sorted({day for day, _name in self.log.days()})  # a day may have several parts
        for day in audit_days_due(days, now.date(), self.keep_days):
            yield day.isoformat()

    def remove(self, key: str) -> None:
        self.log.remove_day(date.fromisoformat(key))


class OldArchives:
    """Bulk-download archives: their links live minutes, so an hour-old archive has no use."""

    def __init__(self, store: Archives, period: timedelta) -> None:
        self.store, self.period = store, period

    def due(self, now: datetime) -> Iterator[str]:
        return self.store.created_before(now - self.period)

    def remove(self, key: str) -> None:
        self.store.delete(key)


ARCHIVE_KEEP = timedelta(hours=1)


class OutlivedClaims:
    """Filing claims a retention period after their document ended (withdrawn, or deleted by
    retention): until then they keep withdrawn and expired content from being filed again."""

    def __init__(self, store: ClaimStore, retention_days: int) -> None:
        self.store, self.retention_days = store, retention_days

    def due(self, now: datetime) -> Iterator[str]:
        return self.store.outlived(now, self.retention_days)

    def remove(self, key: str) -> None:
        self.store.delete_key(key)


def minimisation_rules(
    settings: Settings,
    *,
    quarantine: ContainerClient,
    requests: AccessRequestStore,
    tokens: VerifyTokenStore,
    grants: GrantStore,
    sessions: SessionStore,
    rate_limits: RateLimiter,
    flows: FlowStore,
    outbox: OutboxStore,
    links: LinkLog,
    audit: AuditLog,
    doc_states: DocStateStore,
    choices: PreferenceStore,
    archives: Archives,
    claims: ClaimStore,
) -> list[Rule]:
    """Every minimisation rule, in the order the sweep applies them, each over the store that owns the data."""
    p = periods(settings)
    return [
        Rule("quarantine", QuarantinedBlobs(quarantine, p.quarantine)),
        Rule("rejected_requests", RequestsInStatus(requests, Status.REJECTED, "decided_at", p.rejected_request)),
        Rule("unverified_requests", RequestsInStatus(requests, Status.UNVERIFIED, "created_at", p.unverified_request)),
        Rule("verify_tokens", SpentVerifyTokens(tokens, p.unverified_request)),
        Rule("former_users_notifications", FormerUsersNotificationState(grants, doc_states, choices, p.revoked_grant)),
        Rule("revoked_grants", RevokedGrants(grants, p.revoked_grant)),
        Rule("sessions", ExpiredSessions(sessions, p.session_idle, p.session_absolute)),
        Rule("sign_in_flows", AbandonedSignIns(flows)),
        Rule("rate_limits", SpentRateLimits(rate_limits, p.rate_limit)),
        Rule("outbox", DeliveredMails(outbox, p.delivered_mail)),
        Rule("issued_links", IssuedLinkRecords(links, timedelta(days=settings.retention_days))),
        Rule("download_marks", DownloadMarksOfDeletedDocuments(doc_states)),
        Rule("audit_days", OldAuditDays(audit, settings.audit_keep_days)),
        Rule("zip_archives", OldArchives(archives, ARCHIVE_KEEP)),
        Rule("filing_claims", OutlivedClaims(claims, settings.retention_days)),
    ]
