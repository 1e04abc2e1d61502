"""Timer `retention`: the daily sweep (default 02:30 UTC, `PORTAL_RETENTION_SCHEDULE`).

Deletes documents whose deletion time has passed and minimises the other stores; the work
and its order live in shared/services/retention_sweep.py. Idempotent: a rerun, an overlapping
run or a run after a crash only finishes what is left.
"""

from __future__ import annotations

import logging

import azure.functions as func

from shared import context

bp = func.Blueprint()
log = logging.getLogger("portal.retention")


@bp.timer_trigger(schedule="%PORTAL_RETENTION_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=True)
def retention(timer: func.TimerRequest) -> None:
    if timer.past_due:
        log.info("retention: running late (past due); catching up")
    report = context.current().sweep()
    if report.busy:
        log.info("retention: another run is in progress; skipped")
        return
    log.info(
        "retention: deleted %d documents (%d companies), failed %d, complete=%s; minimised %s",
        report.documents.total,
        len(report.documents.deleted),
        len(report.documents.failed),
        report.documents.complete,
        report.minimised,
    )
