"""The digest and reminder mails: a run's `Mail` (codes, counts, dates) becomes an outbox draft
with subject, plain text, HTML and the RFC 8058 headers.

The context holds only what `domain.notifications.Summary` holds — company names and
numbers, line and type names, counts, dates — so no template can show an insured person,
a reference or a case number. Each mail's unsubscribe link switches off the one choice
that mail belongs to, for the one person it went to.
"""

from __future__ import annotations

import urllib.parse
from datetime import timedelta
from typing import Any

from shared.adapters.identity.unsubscribe_tokens import make_token
from shared.adapters.mail.render import render_mail
from shared.adapters.rendering.formatting import day
from shared.adapters.rendering.i18n import line_label, type_name
from shared.domain.notifications import Mail, choice_of
from shared.domain.outbox import MailDraft
from shared.settings import Settings


def groups(mail: Mail) -> list[dict[str, Any]]:
    """Counts per company (name and number), then per line and type, in the reader's language."""
    found: list[dict[str, Any]] = []
    for number in mail.summary.companies():
        rows = [
            {"line": line_label(c.line, mail.language), "type": type_name(c.doc_type, mail.language), "count": c.count}
            for c in mail.summary.counts
            if c.customer_number == number
        ]
        found.append({"number": number, "name": mail.companies.get(number, number), "rows": rows})
    return found


def unsubscribe_url(settings: Settings, key: bytes, mail: Mail) -> str:
    token = make_token(key, mail.person, choice_of(mail.kind))
    query = urllib.parse.urlencode({"token": token, "lang": mail.language})
    return f"{settings.base_url.rstrip('/')}/api/notifications/unsubscribe?{query}"


def mail_context(mail: Mail, settings: Settings, key: bytes, frequency: str = "daily") -> dict[str, Any]:
    lang = mail.language
    base = settings.base_url.rstrip("/")
    context: dict[str, Any] = {
        "groups": groups(mail),
        "total": mail.summary.total,
        "portal_url": f"{base}/portal?lang={lang}",
        "settings_url": f"{base}/portal/settings?lang={lang}",
        "unsubscribe_url": unsubscribe_url(settings, key, mail),
        "frequency": frequency,
    }
    if mail.period is not None:
        last = mail.period.end - timedelta(days=1)
        context.update(
            start=day(mail.period.start, lang), end=day(last, lang), same_day=mail.period.start.date() == last.date()
        )
    if mail.deletes_on is not None:
        context["deletes_on"] = day(mail.deletes_on, lang)
    return context


def draft(mail: Mail, settings: Settings, key: bytes) -> MailDraft:
    frequency = "weekly" if mail.period is not None and mail.period.key.startswith("w") else "daily"
    context = mail_context(mail, settings, key, frequency)
    rendered = render_mail(mail.kind, mail.language, context, settings)
    return MailDraft(
        to=mail.to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        language=rendered.language,
        kind=mail.kind,
        dedupe_key=mail.dedupe_key,
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
