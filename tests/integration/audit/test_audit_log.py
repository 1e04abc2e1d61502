"""The audit log on Azurite: parts per day so no day has a ceiling, events that belong together
in one block, and anonymous refusals counted instead of written one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.adapters.storage.audit import AuditLog, blob_name, parse_name
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.audit import AuditEvent
from shared.services.minimisation import minimise
from tests.support.client import Client

DAY = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def event(n: int, at: datetime = DAY) -> AuditEvent:
    return AuditEvent(action="link.issued", at=at, actor="t/o", target=f"doc{n}")


def blocks_in(log: AuditLog, name: str) -> int:
    return int(log.container.get_blob_client(name).get_blob_properties().append_blob_committed_block_count or 0)


def test_a_day_rolls_over_to_new_parts_and_reads_back_whole(ctx: AppContext) -> None:
    """GIVEN parts that roll at 3 blocks WHEN 10 events are appended one by one THEN they fill
    parts 0-3 (never more than 3 blocks each) and the day reads back all 10, in order."""
    log = AuditLog(ctx.storage.container("audit"), roll_at=3)
    for n in range(10):
        log.append(event(n))
    names = sorted(name for _day, name in log.days())
    assert names == [blob_name(DAY.date(), p) for p in range(4)]
    assert [blocks_in(log, n) for n in names] == [3, 3, 3, 1]
    assert [e["target"] for e in log.read_day(DAY.date())] == [f"doc{n}" for n in range(10)]


def test_a_new_writer_continues_in_the_last_part(ctx: AppContext) -> None:
    """GIVEN a day already in part 2 WHEN a fresh process starts writing THEN it appends to
    part 2 (one listing), not to the full part 0 where storage would refuse it."""
    container = ctx.storage.container("audit")
    first = AuditLog(container, roll_at=2)
    for n in range(5):
        first.append(event(n))
    second = AuditLog(container, roll_at=2)
    second.append(event(5))
    assert [blocks_in(first, blob_name(DAY.date(), p)) for p in range(3)] == [2, 2, 2]
    assert len(list(second.read_day(DAY.date()))) == 6


def test_events_that_belong_together_are_one_block(ctx: AppContext) -> None:
    """GIVEN a 200-document ZIP's events WHEN they are written together THEN the log grows by
    one block, not 200 (the old writer spent 200 of the day's 50,000)."""
    log = ctx.audit_log
    log.append(event(0))
    log.append_many([event(n) for n in range(1, 201)])
    assert blocks_in(log, blob_name(DAY.date())) == 2
    assert len(list(log.read_day(DAY.date()))) == 201


def test_names_of_every_part_parse_and_others_do_not() -> None:
    day = DAY.date()
    assert parse_name(blob_name(day)) == (day, 0)
    assert parse_name(blob_name(day, 12)) == (day, 12)
    assert parse_name("2026/12/02.px.jsonl") is None and parse_name("2026/13/02.jsonl") is None


def test_minimisation_removes_every_part_of_an_old_day(ctx: AppContext, clock: MutableClock) -> None:
    """GIVEN a day 401 days old written in three parts WHEN the sweep runs THEN all three go
    and the day counts once."""
    old = clock.now() - timedelta(days=401)
    log = AuditLog(ctx.storage.container("audit"), roll_at=1)
    for n in range(3):
        log.append(event(n, at=old))
    assert len(list(log.days())) == 3
    assert minimise(ctx.retention_rules(), clock.now(), ctx.audit_log)["audit_days"] == 1
    assert [d for d, _ in ctx.audit_log.days()] == [clock.now().date()]  # only the sweep's own record


def test_anonymous_refusals_are_counted_not_written_one_by_one(ctx: AppContext, http: Client) -> None:
    """GIVEN one client sending 30 sign-in callbacks without a sign-in in progress WHEN they are
    refused THEN the first 10 are audited one by one and the other 20 only counted (the old code
    wrote 30; a flood of 50,000 filled the day's blob and stopped every sign-in)."""
    for _ in range(30):
        assert http.get("/api/auth/callback", headers={"Accept": "text/html"}).status_code == 400
    refused = [e for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["action"] == "login.refused"]
    assert len(refused) == 10
    assert {e["details"]["reason"] for e in refused} == {"no_pending_sign_in"}
