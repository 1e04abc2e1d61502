"""Timer: deliver the outbox through Graph sendMail from the configured mailbox.

Locally without Graph configured this does nothing on purpose: the mails stay in the
outbox, readable at `GET /api/dev/outbox`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import azure.functions as func

from shared import context

if TYPE_CHECKING:
    from shared.domain.outbox import OutboxMail
    from shared.services.mail_delivery import DeliveryReport

# Graph, Entra and the delivery use case are imported by the first run of the timer, not when
# an HTTP instance starts (cold start, SPEC 7).

bp = func.Blueprint()
log = logging.getLogger("portal.mail")


def message_id(mail: OutboxMail, sender: str) -> str:
    """A stable RFC 5322 Message-ID per outbox mail, so a receiving server can spot a duplicate."""
    domain = sender.rpartition("@")[2] or "portal.invalid"
    return f"<{mail.mail_id}@{domain}>"


def _temporary(exc: Exception) -> bool:
    from shared.adapters.identity.entra import EntraError
    from shared.adapters.identity.graph import GraphUnavailable

    return isinstance(exc, GraphUnavailable | EntraError)


def deliver(ctx: context.AppContext) -> DeliveryReport | None:
    """One delivery run; None when mail sending is not configured."""
    from shared.adapters.identity.entra import configured
    from shared.services.mail_delivery import deliver_pending

    settings = ctx.settings
    if not (configured(settings) and settings.mail_sender):
        return None
    graph = ctx.graph_client

    def send(mail: OutboxMail) -> None:
        graph.send(
            [mail.to],
            mail.subject,
            mail.text,
            mail.html,
            message_id=message_id(mail, settings.mail_sender),
            headers=mail.headers,
        )

    return deliver_pending(ctx.outbox_store, send, ctx.clock.now(), _temporary)


@bp.timer_trigger(
    schedule="%PORTAL_OUTBOX_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=False
)
def deliver_outbox(timer: func.TimerRequest) -> None:
    report = deliver(context.current())
    if report is None:
        log.info("outbox: Graph not configured; mails stay in the outbox (local: /api/dev/outbox)")
        return
    log.info(
        "outbox: sent %d, retry later %d, failed %d, skipped %d",
        report.sent,
        report.retried,
        report.failed,
        report.skipped,
    )
