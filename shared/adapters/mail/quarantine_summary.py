"""The daily quarantine summary mail (`mail/quarantine_summary/`), in the language set for
the generator's team (PORTAL_QUARANTINE_SUMMARY_LANGUAGE): counts and dates only."""

from __future__ import annotations

from typing import Any

from shared.adapters.mail.render import RenderedMail, render_mail
from shared.adapters.rendering.formatting import day
from shared.domain.quarantine_summary import QuarantineSummary
from shared.settings import Settings


def quarantine_summary_context(summary: QuarantineSummary, settings: Settings) -> dict[str, Any]:
    return {
        "day": day(summary.day),  # dd.MM.yyyy in every language (../shared/GLOSSARY.md)
        "total": summary.total,
        "per_reason": list(summary.per_reason),
        "recent": summary.recent,
        "oldest_at": f"{day(summary.oldest_at)} {summary.oldest_at:%H:%M}",
        "oldest_days": summary.oldest_days,
        "insurer_name": settings.insurer_name,
        "brand_colour": settings.brand_colour,
    }


class QuarantineSummaryMail:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def render(self, summary: QuarantineSummary) -> RenderedMail:
        context = quarantine_summary_context(summary, self.settings)
        return render_mail("quarantine_summary", self.settings.quarantine_summary_language, context, self.settings)
