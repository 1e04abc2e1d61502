"""Timer `quarantine_summary`: the daily mail to the document generator's team (default
06:00 UTC, `PORTAL_QUARANTINE_SUMMARY_SCHEDULE`) about what waits in quarantine.

At most one mail per UTC day however often it runs (the outbox claims the day); nothing
when the quarantine is empty or no address is set (`PORTAL_QUARANTINE_SUMMARY_TO`).
"""

from __future__ import annotations

import logging

import azure.functions as func

from shared import context

bp = func.Blueprint()
log = logging.getLogger("portal.quarantine_summary")


@bp.timer_trigger(
    schedule="%PORTAL_QUARANTINE_SUMMARY_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=True
)
def quarantine_summary(timer: func.TimerRequest) -> None:
    result = context.current().quarantine_summary()
    log.info("quarantine summary: %s", result.outcome.value)
