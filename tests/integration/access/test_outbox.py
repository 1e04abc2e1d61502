"""The outbox store against real Azurite: idempotent enqueue, ordering, claim-once, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.storage.outbox import FAILED, PENDING, SENDING, SENT, OutboxError, OutboxStore
from shared.clock import MutableClock
from shared.context import AppContext


def _mail(store: OutboxStore, n: int, dedupe: str | None = None):  # type: ignore[no-untyped-def]
    return store.enqueue(f"p{n}@muster-ag.ch", f"Subject {n}", f"text {n}", f"<p>{n}</p>", "de", "test", dedupe)


def test_enqueue_with_the_same_dedupe_key_gives_one_mail(ctx: AppContext) -> None:
    """GIVEN a mail enqueued with a dedupe key WHEN enqueued again THEN the first mail comes back."""
    store = ctx.outbox_store
    first = _mail(store, 1, dedupe="notice:abc")
    second = _mail(store, 2, dedupe="notice:abc")
    assert second.mail_id == first.mail_id
    assert second.to == "p1@muster-ag.ch"
    assert [m.mail_id for m in store.recent(10)] == [first.mail_id]


def test_recent_lists_newest_first(ctx: AppContext, clock: MutableClock) -> None:
    store = ctx.outbox_store
    ids = []
    for n in range(3):
        ids.append(_mail(store, n).mail_id)
        clock.advance(timedelta(seconds=5))
    recent = store.recent(10)
    assert [m.mail_id for m in recent] == list(reversed(ids))
    assert [m.mail_id for m in store.recent(2)] == list(reversed(ids))[:2]
    assert recent[0].created > recent[1].created


def test_a_mail_is_claimed_once(ctx: AppContext) -> None:
    """GIVEN two senders holding the same pending mail WHEN both claim THEN only one wins."""
    store = ctx.outbox_store
    mail = _mail(store, 1)
    [seen_by_a] = store.pending(10)
    [seen_by_b] = store.pending(10)
    won = store.claim(seen_by_a)
    lost = store.claim(seen_by_b)
    assert won is not None and won.status == SENDING and won.attempts == 1
    assert lost is None
    assert store.pending(10) == []
    sent = store.mark_sent(mail.mail_id)
    assert sent.status == SENT and sent.sent_at is not None
    assert store.claim(sent) is None


def test_failed_mail_waits_for_retry_at_then_is_pending_again(ctx: AppContext, clock: MutableClock) -> None:
    store = ctx.outbox_store
    mail = _mail(store, 1)
    claimed = store.claim(store.pending(1)[0])
    assert claimed is not None
    store.mark_failed(mail.mail_id, "graph 503", clock.now() + timedelta(minutes=5))
    assert store.pending(10) == []
    clock.advance(timedelta(minutes=5))
    [again] = store.pending(10)
    assert again.status == PENDING and again.last_error == "graph 503" and again.attempts == 1
    store.mark_failed(mail.mail_id, "graph 400", None)
    final = store.get(mail.mail_id)
    assert final is not None and final.status == FAILED
    clock.advance(timedelta(days=1))
    assert store.pending(10) == []


def test_pending_is_oldest_first_and_limited(ctx: AppContext, clock: MutableClock) -> None:
    store = ctx.outbox_store
    ids = []
    for n in range(3):
        ids.append(_mail(store, n).mail_id)
        clock.advance(timedelta(seconds=1))
    assert [m.mail_id for m in store.pending(2)] == ids[:2]


def test_mails_of_the_same_instant_still_list_newest_first(ctx: AppContext) -> None:
    """GIVEN a clock that stands still WHEN three mails are written THEN recent() keeps their order."""
    store = ctx.outbox_store
    ids = [_mail(store, n).mail_id for n in range(3)]
    assert [m.mail_id for m in store.recent(3)] == list(reversed(ids))


def test_a_mail_too_large_for_a_table_property_is_refused(ctx: AppContext) -> None:
    with pytest.raises(OutboxError):
        ctx.outbox_store.enqueue("a@b.ch", "s", "x" * 40_000, "", "de", "test")
    assert ctx.outbox_store.recent(5) == []
