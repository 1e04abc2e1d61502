"""The access-request e-mails: one small function per mail returns its template context, and
`render_mail` turns `mail/<name>/subject.txt, body.txt, body.html` into a mail.

Mails carry no free text the applicant typed except their own name (validated to letters,
spaces, `-` and `'`): the company name they typed stays in the request for the advisor's
console, the notice names the registry's company instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shared.adapters.rendering.templates import render
from shared.domain.access_request import AccessRequest
from shared.domain.companies import Company
from shared.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from shared.settings import Settings

_ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    language: str


def layout_context(settings: Settings) -> dict[str, Any]:
    """What the one mail layout (mail/_layout.html, _footer.txt) needs: brand and contact."""
    return {
        "insurer_name": settings.insurer_name,
        "brand_colour": settings.brand_colour,
        "contact_email": settings.contact_email,
        "contact_phone": settings.contact_phone,
    }


def render_mail(name: str, lang: str, context: dict[str, Any], settings: Settings | None = None) -> RenderedMail:
    """Subject, plain text and HTML of one mail; `settings` fills the layout's brand and contact."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    context = {**layout_context(settings or Settings()), **context}
    # One line; only ASCII whitespace folds, so French no-break spaces (U+00A0, U+202F) stay.
    subject = _ASCII_SPACE.sub(" ", render(f"mail/{name}/subject.txt", lang, **context)).strip(" ")
    text = render(f"mail/{name}/body.txt", lang, **context).strip() + "\n"
    html = render(f"mail/{name}/body.html", lang, **context)
    return RenderedMail(subject=subject, text=text, html=html, language=lang)


def access_confirm_context(req: AccessRequest, link: str, settings: Settings) -> dict[str, Any]:
    """The applicant's confirmation: their name, the one-time link, how long it lasts."""
    return {
        "full_name": req.full_name,
        "link": link,
        "valid_hours": settings.verification_ttl_hours,
        "insurer_name": settings.insurer_name,
        "brand_colour": settings.brand_colour,
    }


def access_notice_context(req: AccessRequest, company: Company | None, settings: Settings) -> dict[str, Any]:
    """The advisor's notice: who asks for which company and lines, and where to decide."""
    return {
        "full_name": req.full_name,
        "customer_number": req.customer_number,
        "registry_name": company.name if company else "",
        "lines": list(req.lines),
        "applicant_language": req.language,
        "request_id": req.request_id,
        "console_url": f"{settings.base_url.rstrip('/')}/advisor",
        "insurer_name": settings.insurer_name,
        "brand_colour": settings.brand_colour,
    }


class AccessMails:
    """The mail port of the access-request use case, bound to the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def confirmation(self, req: AccessRequest, link: str) -> RenderedMail:
        context = access_confirm_context(req, link, self.settings)
        return render_mail("access_confirm", req.language, context, self.settings)

    def advisor_notice(self, req: AccessRequest, company: Company | None) -> RenderedMail:
        # Advisors are insurer staff; their notices use the insurer's default language.
        context = access_notice_context(req, company, self.settings)
        return render_mail("access_notice", DEFAULT_LANGUAGE, context, self.settings)
