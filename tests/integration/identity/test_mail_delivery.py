"""The outbox delivered through Graph sendMail by the timer's function: never lost, never sent twice."""

from __future__ import annotations

from datetime import timedelta

from functions.mail import deliver
from shared.adapters.storage.outbox import FAILED, PENDING, SENT
from shared.context import AppContext
from tests.integration.identity.fakes import FakeEntraGraph
from tests.integration.identity.managed_identity_fake import FakeManagedIdentity


def _enqueue(ctx: AppContext, n: int) -> list[str]:
    store = ctx.outbox_store
    return [
        store.enqueue(f"p{i}@muster-ag.ch", f"Subject {i}", "text", "<p>html</p>", "de", "welcome").mail_id
        for i in range(n)
    ]


def test_pending_mails_are_sent_once(
    entra_ctx: AppContext, entra: FakeEntraGraph, managed_identity: FakeManagedIdentity
) -> None:
    ids = _enqueue(entra_ctx, 3)
    report = deliver(entra_ctx)
    assert report is not None and report.sent == 3
    assert sorted(m[1]["mime"]["To"] for m in entra.mails) == [
        "p0@muster-ag.ch",
        "p1@muster-ag.ch",
        "p2@muster-ag.ch",
    ]
    assert {m[1]["mime"]["Message-ID"] for m in entra.mails} == {f"<{i}@versicherer.ch>" for i in ids}
    again = deliver(entra_ctx)
    assert again is not None and again.sent == 0 and len(entra.mails) == 3
    assert all(entra_ctx.outbox_store.get(i).status == SENT for i in ids)  # type: ignore[union-attr]
    assert managed_identity.resources() == [entra.base]  # one Graph token, from the identity
    assert entra.client_credential_grants == 0


def test_graph_outage_keeps_the_mail_for_later(
    entra_ctx: AppContext, entra: FakeEntraGraph, sleeps: list[float]
) -> None:
    (mail_id,) = _enqueue(entra_ctx, 1)
    entra.mail_script.failures = [(503, {"Retry-After": "2"})] * 5
    report = deliver(entra_ctx)
    assert report is not None and report.retried == 1
    stored = entra_ctx.outbox_store.get(mail_id)
    assert stored is not None and stored.status == PENDING and stored.retry_at is not None
    assert "GraphUnavailable" in stored.last_error and "html" not in stored.last_error
    assert deliver(entra_ctx).sent == 0  # type: ignore[union-attr]  # not due yet
    entra_ctx.clock.advance(timedelta(minutes=2))  # type: ignore[attr-defined]
    assert deliver(entra_ctx).sent == 1  # type: ignore[union-attr]
    assert len(entra.mails) == 1


def test_a_refused_mail_fails_for_good_and_is_not_retried(entra_ctx: AppContext, entra: FakeEntraGraph) -> None:
    (mail_id,) = _enqueue(entra_ctx, 1)
    entra.mail_script.failures = [(400, {})]
    report = deliver(entra_ctx)
    assert report is not None and report.failed == 1
    assert entra_ctx.outbox_store.get(mail_id).status == FAILED  # type: ignore[union-attr]
    entra_ctx.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    deliver(entra_ctx)
    assert entra.mails == []


def test_local_mode_without_graph_leaves_the_outbox_readable(ctx: AppContext) -> None:
    (mail_id,) = _enqueue(ctx, 1)
    assert deliver(ctx) is None
    assert ctx.outbox_store.get(mail_id).status == PENDING  # type: ignore[union-attr]
