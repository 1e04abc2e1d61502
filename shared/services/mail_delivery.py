"""Deliver the outbox through the mailer (Graph sendMail): never lost, never sent twice.

Each mail is claimed with one conditional write before it is sent, so two runners never
send the same mail; a mail whose send outcome is unknown stays `sending` for a person
(the outbox's rule) rather than risk a second copy. Temporary failures go back to
`pending` with a growing delay; refusals fail for good after a few attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

MAX_ATTEMPTS = 8
BATCH = 50


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def deliver_pending(
    outbox: Any,
    send: Callable[[Any], None],
    now: datetime,
    is_temporary: Callable[[Exception], bool],
    limit: int = BATCH,
) -> DeliveryReport:
    """`send(mail)` raises on failure; `is_temporary` tells a retry from a refusal."""
    report = DeliveryReport()
    for mail in outbox.pending(limit):
        claimed = outbox.claim(mail)
        if claimed is None:
            report.skipped += 1
            continue
        try:
            send(claimed)
        except Exception as exc:  # noqa: BLE001 - classified below and recorded, never swallowed
            error = type(exc).__name__ + ": " + str(exc)[:200]
            if is_temporary(exc) and claimed.attempts < MAX_ATTEMPTS:
                outbox.mark_failed(claimed.mail_id, error, now + backoff(claimed.attempts))
                report.retried += 1
            else:
                outbox.mark_failed(claimed.mail_id, error, None)
                report.failed += 1
            continue
        outbox.mark_sent(claimed.mail_id)
        report.sent += 1
    return report
