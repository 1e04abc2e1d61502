"""Data minimisation in the sweep, one period at a time, each at its boundary: a record one
second inside its lifetime stays, one second past it goes (real stores on Azurite)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from shared.adapters.storage.access_requests import new_request_id
from shared.adapters.storage.grants import new_grant_id
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.access_request import AccessRequest, Status
from shared.domain.audit import AuditEvent
from shared.domain.documents import DocumentRecord
from shared.domain.identity import Grant, GrantKind, GrantStatus, Principal
from shared.domain.issued_links import IssuedLink
from shared.domain.notifications import Frequency, Preferences, person_key
from shared.domain.retention import MINIMISED_ACTION
from shared.services.minimisation import minimise
from tests.support.portal import record_download

SECOND = timedelta(seconds=1)


def run(ctx: AppContext, now: datetime) -> dict[str, int]:
    return minimise(ctx.retention_rules(), now, ctx.audit_log)


def request(status: str, created: datetime, decided: datetime | None = None) -> AccessRequest:
    return AccessRequest(
        request_id=new_request_id(), status=status, company_name="Muster AG", customer_number="100001",
        first_name="Anna", last_name="Meier", email=f"anna.{new_request_id()[:6]}@muster-ag.ch", phone="",
        lines=("LAA",), language="de", consent_version="2026-11", created_at=created, decided_at=decided,
    )


def test_quarantined_blob_after_90_days(ctx: AppContext) -> None:
    container = ctx.storage.container("quarantine")
    container.upload_blob("100001/LAA/x/2026-01-01_A.pdf", b"not a pdf", metadata={"reason": "not_pdf"})
    entered = container.get_blob_client("100001/LAA/x/2026-01-01_A.pdf").get_blob_properties().last_modified
    assert ctx.settings.quarantine_ttl_days == 90

    assert run(ctx, entered + timedelta(days=90) - SECOND)["quarantine"] == 0
    assert [b.name for b in container.list_blobs()] == ["100001/LAA/x/2026-01-01_A.pdf"]
    assert run(ctx, entered + timedelta(days=90) + SECOND)["quarantine"] == 1
    assert list(container.list_blobs()) == []


def test_rejected_after_90_days_unverified_after_7_open_and_approved_stay(ctx: AppContext, clock: MutableClock) -> None:
    t0 = clock.now()
    store = ctx.access_request_store
    rejected = store.save(request(Status.REJECTED, t0 - timedelta(days=10), decided=t0))
    unverified = store.save(request(Status.UNVERIFIED, t0))
    pending = store.save(request(Status.PENDING, t0 - timedelta(days=400)))
    approved = store.save(request(Status.APPROVED, t0 - timedelta(days=400), decided=t0 - timedelta(days=399)))

    counts = run(ctx, t0 + timedelta(days=7) - SECOND)
    assert (counts["rejected_requests"], counts["unverified_requests"]) == (0, 0)
    counts = run(ctx, t0 + timedelta(days=7) + SECOND)
    assert (counts["rejected_requests"], counts["unverified_requests"]) == (0, 1)
    assert store.get(unverified.request_id) is None
    assert run(ctx, t0 + timedelta(days=90) - SECOND)["rejected_requests"] == 0
    assert run(ctx, t0 + timedelta(days=90) + SECOND)["rejected_requests"] == 1
    assert store.get(rejected.request_id) is None
    assert store.get(pending.request_id) is not None and store.get(approved.request_id) is not None


def test_verification_tokens_go_with_unverified_requests(ctx: AppContext, clock: MutableClock) -> None:
    t0 = clock.now()
    tokens = ctx.verify_token_store
    token_hash = hashlib.sha256(b"token").hexdigest()
    tokens.put(token_hash, new_request_id(), expires_at=t0)
    assert run(ctx, t0 + timedelta(days=7) - SECOND)["verify_tokens"] == 0
    assert tokens.get(token_hash) is not None
    assert run(ctx, t0 + timedelta(days=7) + SECOND)["verify_tokens"] == 1
    assert tokens.get(token_hash) is None


def test_revoked_grant_after_90_days_both_copies_active_stays(ctx: AppContext, clock: MutableClock) -> None:
    t0 = clock.now()
    store = ctx.grant_store

    def grant(status: GrantStatus, revoked_at: datetime | None, oid: str) -> Grant:
        made = Grant(
            grant_id=new_grant_id("100001"), tid="tenant-1", oid=oid, email=f"{oid}@muster-ag.ch",
            customer_number="100001", lines=("LAA",), kind=GrantKind.CUSTOMER, status=status,
            created_at=t0 - timedelta(days=500), revoked_at=revoked_at, created_by="test",
        )
        store.put(made)
        return made

    revoked = grant(GrantStatus.REVOKED, t0, "oid-revoked")
    active = grant(GrantStatus.ACTIVE, None, "oid-active")
    assert run(ctx, t0 + timedelta(days=90) - SECOND)["revoked_grants"] == 0
    assert run(ctx, t0 + timedelta(days=90) + SECOND)["revoked_grants"] == 1
    assert store.get(revoked.grant_id) is None and store.for_person("tenant-1", "oid-revoked") == []
    assert store.get(active.grant_id) is not None


def test_sessions_go_after_idle_or_absolute_timeout(ctx: AppContext, clock: MutableClock) -> None:
    t0 = clock.now()
    store = ctx.session_store
    principal = Principal(tid="tenant-1", oid="oid-1", email="anna@muster-ag.ch", name="Anna")
    idle = store.create(principal, "de", t0)
    busy = store.create(principal, "de", t0)
    store.touch(busy, t0 + timedelta(hours=7, minutes=50))

    assert run(ctx, t0 + timedelta(minutes=30) - SECOND)["sessions"] == 0
    assert run(ctx, t0 + timedelta(minutes=30) + SECOND)["sessions"] == 1
    assert store.get(idle.session_id) is None and store.get(busy.session_id) is not None
    # Still active 10 minutes ago, but past the 8-hour absolute lifetime.
    assert run(ctx, t0 + timedelta(hours=8) - SECOND)["sessions"] == 0
    assert run(ctx, t0 + timedelta(hours=8) + SECOND)["sessions"] == 1
    assert store.get(busy.session_id) is None


def test_abandoned_sign_ins_go_after_ten_minutes_and_sessions_stay(ctx: AppContext, clock: MutableClock) -> None:
    """Sign-ins are purged by the sweep only (one purge path for Table `sessions`)."""
    t0 = clock.now()
    flow_id = ctx.flow_store.save({"state": "s"}, "de", t0)
    session = ctx.session_store.create(Principal(tid="t", oid="o", email="a@muster-ag.ch", name="A"), "de", t0)

    assert run(ctx, t0 + timedelta(minutes=10) - SECOND)["sign_in_flows"] == 0
    counts = run(ctx, t0 + timedelta(minutes=10) + SECOND)
    assert (counts["sign_in_flows"], counts["sessions"]) == (1, 0)
    assert ctx.flow_store.take(flow_id, t0) is None
    assert ctx.session_store.get(session.session_id) is not None


def test_rate_limit_counters_after_their_window(ctx: AppContext, clock: MutableClock) -> None:
    t0 = clock.now()
    table = ctx.storage.table("ratelimits")
    table.upsert_entity({"PartitionKey": "access.email", "RowKey": "ab" * 32, "started": t0, "count": 3})
    assert run(ctx, t0 + timedelta(days=1) - SECOND)["rate_limits"] == 0
    assert run(ctx, t0 + timedelta(days=1) + SECOND)["rate_limits"] == 1
    assert list(table.list_entities()) == []


def test_delivered_mail_after_30_days_pending_stays(ctx: AppContext, clock: MutableClock) -> None:
    t0 = clock.now()
    outbox = ctx.outbox_store
    sent = outbox.enqueue("anna@muster-ag.ch", "Willkommen", "text", "<p>html</p>", "de", "welcome")
    outbox.mark_sent(sent.mail_id)
    pending = outbox.enqueue("beat@muster-ag.ch", "Bestätigung", "text", "<p>html</p>", "de", "verify")
    assert run(ctx, t0 + timedelta(days=30) - SECOND)["outbox"] == 0
    assert run(ctx, t0 + timedelta(days=30) + SECOND)["outbox"] == 1
    assert outbox.get(sent.mail_id) is None and outbox.get(pending.mail_id) is not None


def test_audit_day_blobs_kept_a_year_and_a_margin_then_removed(ctx: AppContext, clock: MutableClock) -> None:
    """GIVEN audit blobs 399, 400 and 401 days old WHEN the sweep runs THEN only the 401-day one
    goes (keep = 400 days > the 365-day immutability), and the sweep audits what it removed."""
    now = clock.now()
    log = ctx.audit_log
    for age in (399, 400, 401):
        log.append(AuditEvent(action="link.issued", at=now - timedelta(days=age), actor="t/o", target=f"age{age}"))
    assert run(ctx, now)["audit_days"] == 1
    kept = sorted(day for day, _ in log.days())
    assert kept == [(now - timedelta(days=400)).date(), (now - timedelta(days=399)).date(), now.date()]
    minimised = [e for e in log.read_day(now.date()) if e["action"] == MINIMISED_ACTION]
    assert [(e["target"], e["details"]["count"]) for e in minimised] == [("audit_days", 1)]


@pytest.mark.parametrize("keep", [364, 0])
def test_audit_is_never_kept_less_than_a_year(ctx: AppContext, keep: int) -> None:
    """A misconfigured keep period fails that rule only; the audit blobs stay."""
    log = ctx.audit_log
    log.append(AuditEvent(action="login", at=datetime(2024, 1, 1, tzinfo=ctx.clock.now().tzinfo), actor="t/o"))
    bad = ctx.settings.with_overrides(audit_keep_days=keep)
    ctx.settings = bad
    counts = run(ctx, ctx.clock.now())
    assert counts["audit_days"] == -1
    assert [d for d, _ in log.days()] == [date(2024, 1, 1)]


def test_dry_run_counts_and_changes_nothing(ctx: AppContext, clock: MutableClock) -> None:
    t0 = clock.now()
    outbox = ctx.outbox_store
    sent = outbox.enqueue("anna@muster-ag.ch", "Willkommen", "text", "<p>x</p>", "de", "welcome")
    outbox.mark_sent(sent.mail_id)
    counts = minimise(ctx.retention_rules(), t0 + timedelta(days=31), ctx.audit_log, dry_run=True)
    assert counts["outbox"] == 1
    assert outbox.get(sent.mail_id) is not None
    assert list(ctx.audit_log.read_day((t0 + timedelta(days=31)).date())) == []


def test_issued_link_records_go_once_older_than_the_retention_period(ctx: AppContext, clock: MutableClock) -> None:
    """GIVEN links issued for a document THEN their records (with e-mail) outlive it by no more than a sweep."""
    t0 = clock.now()
    log = ctx.link_log
    doc = "a" * 32
    for issued in (t0, t0 + timedelta(days=10)):
        log.record(IssuedLink(doc, "link", issued, issued + timedelta(minutes=5), "t/o", "anna@muster-ag.ch", "1.2.3.4",
                              "100001"))
    period = timedelta(days=ctx.settings.retention_days)

    assert run(ctx, t0 + period - SECOND)["issued_links"] == 0
    assert run(ctx, t0 + period + SECOND)["issued_links"] == 1
    assert [x.issued_at for x in log.for_document("100001", doc)] == [t0 + timedelta(days=10)]
    # the company's copy (CSV export of deliveries) goes with it
    company = list(log.for_company("100001", t0.date(), (t0 + timedelta(days=10)).date()))
    assert [x.issued_at for x in company] == [t0 + timedelta(days=10)]


def test_download_marks_go_with_their_document(ctx: AppContext, clock: MutableClock) -> None:
    """GIVEN a person downloaded two documents THEN each marker goes in the sweep past that document's deletion."""
    t0 = clock.now()
    states = ctx.doc_state_store
    tid, oid = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    early = record_for_marks("a", t0 + timedelta(days=10))
    late = record_for_marks("b", t0 + timedelta(days=20))
    record_download(ctx, tid, oid, [early, late], t0, "zip")

    assert run(ctx, early.deletes_at - SECOND)["download_marks"] == 0
    assert run(ctx, early.deletes_at + SECOND)["download_marks"] == 1
    assert set(states.downloaded(tid, oid, ["100001"])) == {late.doc_id}
    assert run(ctx, late.deletes_at + SECOND)["download_marks"] == 1
    assert states.downloaded(tid, oid, ["100001"]) == {}
    assert state_rows(ctx) == []  # the rows by deletion day went too


def test_a_former_users_markers_and_choices_go_with_their_last_grant(ctx: AppContext, clock: MutableClock) -> None:
    """GIVEN Anna lost her only grant and Ben still has one THEN after the revoked-grant period Anna's
    markers and choices go, Ben's stay; the grant itself goes in the same sweep."""
    t0 = clock.now()
    tid = "11111111-1111-4111-8111-111111111111"
    anna, ben = "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"
    for oid, status in ((anna, GrantStatus.REVOKED), (ben, GrantStatus.REVOKED), (ben, GrantStatus.ACTIVE)):
        ctx.grant_store.put(Grant(
            grant_id=new_grant_id("100001"), tid=tid, oid=oid, email=f"{oid[:4]}@muster-ag.ch",
            customer_number="100001", lines=("LAA",), kind=GrantKind.CUSTOMER, status=status,
            created_at=t0 - timedelta(days=500), revoked_at=t0 if status == GrantStatus.REVOKED else None,
            created_by="test",
        ))
        record_download(ctx, tid, oid, [record_for_marks("c", t0 + timedelta(days=300))], t0)
        ctx.preference_store.put(person_key(tid, oid), Preferences(Frequency.WEEKLY, False, "fr"))

    assert run(ctx, t0 + timedelta(days=90) - SECOND)["former_users_notifications"] == 0
    counts = run(ctx, t0 + timedelta(days=90) + SECOND)
    assert counts["former_users_notifications"] == 1 and counts["revoked_grants"] == 2
    assert ctx.doc_state_store.downloaded(tid, anna, ["100001"]) == {}
    assert ctx.preference_store.get(person_key(tid, anna)) == Preferences()
    assert ctx.doc_state_store.downloaded(tid, ben, ["100001"]) != {}
    assert ctx.preference_store.get(person_key(tid, ben)).new_documents is Frequency.WEEKLY


def test_a_former_users_markers_go_in_every_company_they_had_a_grant_for(ctx: AppContext, clock: MutableClock) -> None:
    """GIVEN Anna downloaded in two companies and lost both grants THEN after the revoked-grant
    period her markers go in both (they live in the companies' partitions)."""
    t0 = clock.now()
    tid, anna = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    for number in ("100001", "100002"):
        ctx.grant_store.put(Grant(
            grant_id=new_grant_id(number), tid=tid, oid=anna, email="anna@muster-ag.ch", customer_number=number,
            lines=("LAA",), kind=GrantKind.CUSTOMER, status=GrantStatus.REVOKED,
            created_at=t0 - timedelta(days=500), revoked_at=t0 - timedelta(days=30 if number == "100002" else 0),
            created_by="test",
        ))
        marks = replace(record_for_marks("c", t0 + timedelta(days=300)), customer_number=number)
        record_download(ctx, tid, anna, [marks], t0)
    assert set(ctx.doc_state_store.downloaded(tid, anna, ["100001", "100002"])) == {"c" * 32}

    assert run(ctx, t0 + timedelta(days=90) + SECOND)["former_users_notifications"] == 1
    assert ctx.doc_state_store.downloaded(tid, anna, ["100001"]) == {}
    assert ctx.doc_state_store.downloaded(tid, anna, ["100002"]) == {}
    assert state_rows(ctx) == []  # the rows by deletion day went too


def state_rows(ctx: AppContext) -> list[str]:
    """Every download mark in the link log's table, by person (`s`) and by deletion day (`e`)."""
    rows = ctx.storage.table("doclinks").query_entities("RowKey ge 'e'", select=["RowKey"])
    return sorted(str(r["RowKey"]) for r in rows if str(r["RowKey"])[:1] in ("s", "e"))


def record_for_marks(tag: str, deletes_at: datetime) -> DocumentRecord:
    doc_id = (tag * 32)[:32]
    return DocumentRecord(
        doc_id=doc_id, customer_number="100001", line="LAA", doc_type="benefit_statement", doc_date=date(2026, 1, 5),
        reference="R1", title="", case_number="", insured_person="", language="de", size=1000,
        published_at=deletes_at - timedelta(days=365), deletes_at=deletes_at,
        blob_name=f"100001/LAA/2026/{doc_id}.pdf", content_sha256="0" * 64, source_name="x.pdf",
    )
