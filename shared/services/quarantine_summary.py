"""Use case: mail the generator's team what waits in quarantine, once a day (SPEC 8).

Runs from a timer; may run more than once a day (a retry, a manual run, two instances).
The day is claimed by the outbox's insert-if-absent dedupe key, written before the mail,
so a second run the same day returns the first mail instead of a second one. An empty
quarantine sends nothing and claims nothing, so a later run that day still can.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from shared.clock import Clock
from shared.domain.quarantine_summary import MAIL_KIND, QuarantinedItem, QuarantineSummary, claim_key, summarise
from shared.services.ports import Mail, Outbox

log = logging.getLogger("portal.quarantine_summary")


class QuarantineReader(Protocol):
    def items(self) -> Iterable[QuarantinedItem]:
        """Every document waiting in quarantine (reason and arrival); raises the storage errors."""
        ...


class SummaryMail(Protocol):
    def render(self, summary: QuarantineSummary) -> Mail: ...


class SummaryOutcome(StrEnum):
    ENQUEUED = "enqueued"  # the day's mail is in the outbox (this run's, or an earlier run's)
    EMPTY = "empty"  # nothing waits: no mail
    NOT_CONFIGURED = "not_configured"  # no address set: no mail


@dataclass(frozen=True)
class SummaryResult:
    outcome: SummaryOutcome
    summary: QuarantineSummary | None = None


def send_quarantine_summary(
    to: str, quarantine: QuarantineReader, mail: SummaryMail, outbox: Outbox, clock: Clock
) -> SummaryResult:
    if not to:
        log.info("quarantine summary: no address set (PORTAL_QUARANTINE_SUMMARY_TO); nothing sent")
        return SummaryResult(SummaryOutcome.NOT_CONFIGURED)
    now = clock.now()
    summary = summarise(quarantine.items(), now)
    if summary is None:
        log.info("quarantine summary: quarantine is empty; nothing sent")
        return SummaryResult(SummaryOutcome.EMPTY)
    rendered = mail.render(summary)
    outbox.enqueue(to, rendered.subject, rendered.text, rendered.html, rendered.language, MAIL_KIND,
                   dedupe_key=claim_key(summary.day))
    log.info("quarantine summary: %d waiting, %d in the last day", summary.total, summary.recent)
    return SummaryResult(SummaryOutcome.ENQUEUED, summary)
