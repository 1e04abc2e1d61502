"""The delivery loop with an in-memory outbox port: claim before send, classify failures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from shared.services.mail_delivery import MAX_ATTEMPTS, backoff, deliver_pending

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Mail:
    mail_id: str
    status: str = "pending"
    attempts: int = 0


class MemoryOutbox:
    def __init__(self, mails: list[Mail], stolen: set[str] | None = None) -> None:
        self.mails = {m.mail_id: m for m in mails}
        self.stolen = stolen or set()
        self.failed: dict[str, datetime | None] = {}

    def pending(self, limit: int) -> list[Mail]:
        return [m for m in self.mails.values() if m.status == "pending"][:limit]

    def claim(self, mail: Mail) -> Mail | None:
        if mail.mail_id in self.stolen:
            return None
        claimed = replace(mail, status="sending", attempts=mail.attempts + 1)
        self.mails[mail.mail_id] = claimed
        return claimed

    def mark_sent(self, mail_id: str) -> None:
        self.mails[mail_id] = replace(self.mails[mail_id], status="sent")

    def mark_failed(self, mail_id: str, error: str, retry_at: datetime | None) -> None:
        self.failed[mail_id] = retry_at
        self.mails[mail_id] = replace(self.mails[mail_id], status="pending" if retry_at else "failed")


class Temporary(Exception):
    pass


def test_claimed_by_someone_else_is_not_sent() -> None:
    sent: list[str] = []
    outbox = MemoryOutbox([Mail("a"), Mail("b")], stolen={"b"})
    report = deliver_pending(outbox, lambda m: sent.append(m.mail_id), NOW, lambda e: True)
    assert sent == ["a"] and report.sent == 1 and report.skipped == 1


def test_temporary_failures_retry_later_until_the_limit() -> None:
    def fail(mail: Mail) -> None:
        raise Temporary

    outbox = MemoryOutbox([Mail("a"), Mail("b", attempts=MAX_ATTEMPTS - 1)])
    report = deliver_pending(outbox, fail, NOW, lambda e: isinstance(e, Temporary))
    assert report.retried == 1 and report.failed == 1
    assert outbox.failed == {"a": NOW + timedelta(minutes=1), "b": None}


def test_refusals_fail_at_once() -> None:
    def refuse(mail: Mail) -> None:
        raise ValueError("400")

    outbox = MemoryOutbox([Mail("a")])
    assert deliver_pending(outbox, refuse, NOW, lambda e: isinstance(e, Temporary)).failed == 1
    assert outbox.mails["a"].status == "failed"


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 7, 20)] == [1, 2, 4, 60, 60]
