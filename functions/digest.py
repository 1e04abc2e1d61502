"""Timer: the new-document digest and the expiry reminder, once a day.

The schedule is the app setting `PORTAL_DIGEST_SCHEDULE` (six-field NCRONTAB, UTC; the
Functions host and the dev host resolve `%NAME%`). Mails go to the outbox; the outbox timer
delivers them through Graph, and locally `GET /api/dev/outbox` shows them. A rerun the same
day — a retry, a crash, two instances — writes no mail twice (services/digest.py).
"""

from __future__ import annotations

import logging

import azure.functions as func

from shared import context

bp = func.Blueprint()
log = logging.getLogger("portal.digest")


@bp.timer_trigger(schedule="%PORTAL_DIGEST_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=False)
def notify_digest(timer: func.TimerRequest) -> None:
    report = context.current().notify_digest()
    log.info(
        "digest: %d people, %d new and %d expiring documents read; %d digests, %d reminders, %d already sent",
        report.people,
        report.new_documents,
        report.expiring_documents,
        report.digests,
        report.reminders,
        report.already_sent,
    )
