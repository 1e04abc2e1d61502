"""The access-request pages (form, received, verification outcome): one function per page
builds its context, so handlers only pick the page and the status code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from markupsafe import Markup

from shared.adapters.rendering.i18n import gettext, line_label
from shared.adapters.rendering.templates import render
from shared.domain.access_request import VerifyOutcome
from shared.domain.languages import LANGUAGE_NAMES, LANGUAGES
from shared.domain.lines import LINES
from shared.settings import Settings

FORM_PATH: Final = "/api/access-request"
PRIVACY_PATH: Final = "/privacy"
VERIFY_PATH: Final = "/api/access-request/verify"


_GENERIC: Final = {
    "required": "Please fill in this field.",
    "too_long": "This entry is too long.",
    "invalid": "This entry contains characters that are not allowed.",
    "email_invalid": "Please enter a valid e-mail address, such as anna.muster@company.ch.",
    "email_generic_mailbox": "Please use your personal address, not a shared mailbox such as info@ or hr@.",
    "email_private_domain": "Please use your work address, not a private address such as one at gmail.com.",
    "email_confusable": "This address mixes alphabets or uses look-alike letters. Please type it in plain letters.",
}
_SPECIFIC: Final = {
    ("first_name", "invalid"): "Please use letters, spaces, hyphens and apostrophes only.",
    ("last_name", "invalid"): "Please use letters, spaces, hyphens and apostrophes only.",
    ("customer_number", "invalid"): "Please enter your customer number: 4 to 12 digits.",
    ("phone", "invalid"): "Please enter a phone number using digits, spaces and + ( ) - / only.",
    ("lines", "required"): "Please choose at least one insurance line.",
    ("lines", "invalid"): "Please choose from the insurance lines listed.",
    ("language", "invalid"): "Please choose one of the languages listed.",
    ("consent", "required"): "Please give your consent so that we can check your request.",
}
_VERIFY: Final = {
    VerifyOutcome.VERIFIED: (
        "E-mail address confirmed",
        "Thank you. We will now check your request and inform you of our decision.",
    ),
    VerifyOutcome.USED: (
        "Link already used",
        "This link has already been used; your address is confirmed. We will inform you of our decision.",
    ),
    VerifyOutcome.EXPIRED: (
        "Link expired",
        "This confirmation link has expired. Please send your request again; you will receive a new link.",
    ),
    VerifyOutcome.INVALID: (
        "Link not valid",
        "This confirmation link is not valid. Please check that you opened the complete link from the "
        "e-mail, or send your request again.",
    ),
}
VERIFY_STATUS: Final = {
    VerifyOutcome.VERIFIED: 200,
    VerifyOutcome.USED: 200,
    VerifyOutcome.EXPIRED: 410,
    VerifyOutcome.INVALID: 404,
}


def error_message(field: str, code: str, lang: str) -> str:
    """The applicant-facing sentence for a field's error code, in the page's language."""
    return gettext(lang, _SPECIFIC.get((field, code)) or _GENERIC.get(code) or _GENERIC["invalid"])


def form_url(lang: str) -> str:
    return f"{FORM_PATH}?lang={lang}"


def privacy_url(lang: str) -> str:
    return f"{PRIVACY_PATH}?lang={lang}"


def privacy_link(lang: str) -> Markup:
    """The consent's link to the privacy notice, in the page's language (escaped by markupsafe)."""
    return Markup('<a href="{}">{}</a>').format(privacy_url(lang), gettext(lang, "Privacy notice"))


def _chrome(lang: str, settings: Settings, title: str, lang_url: Any) -> dict[str, Any]:
    return {"page_title": gettext(lang, title), "insurer_name": settings.insurer_name, "lang_url": lang_url}


def form_context(
    lang: str,
    settings: Settings,
    *,
    csrf_token: str,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    alert: str = "",
) -> dict[str, Any]:
    """The form, filled with what was sent (nothing typed is lost) and each error by its field."""
    raw = dict(values or {})
    lines_raw = raw.get("lines") or []
    selected = {str(v).strip().upper() for v in (lines_raw if isinstance(lines_raw, list) else [lines_raw])}
    text_values = {k: v for k, v in raw.items() if isinstance(v, str)}
    consent = raw.get("consent")
    return {
        **_chrome(lang, settings, "Access to the benefit documents portal", form_url),
        "action": form_url(lang),
        "csrf_token": csrf_token,
        "values": text_values,
        "errors": {field: error_message(field, code, lang) for field, code in (errors or {}).items()},
        "alert": gettext(lang, alert) if alert else "",
        "line_options": [(code, line_label(code, lang)) for code in LINES],
        "selected_lines": selected,
        "language_options": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "selected_language": text_values.get("language") or lang,
        "consent_checked": consent is True or (isinstance(consent, str) and consent.lower() in {"true", "on", "1"}),
        "consent_version": settings.consent_version,
        "privacy_link": privacy_link(lang),
    }


def render_form(lang: str, settings: Settings, **kwargs: Any) -> str:
    return render("access_request/form.html", lang, **form_context(lang, settings, **kwargs))


def render_received(lang: str, settings: Settings) -> str:
    context = {
        **_chrome(lang, settings, "Thank you", form_url),
        "valid_hours": settings.verification_ttl_hours,
        "form_url": form_url(lang),
    }
    return render("access_request/received.html", lang, **context)


def verify_result_url(outcome: VerifyOutcome, lang: str) -> str:
    """The outcome page's own address: the token leaves the address bar and the history."""
    return f"{VERIFY_PATH}?result={outcome.value}&lang={lang}"


def render_verify(outcome: VerifyOutcome, lang: str, settings: Settings) -> str:
    title, message = _VERIFY[outcome]
    context = {
        **_chrome(lang, settings, title, lambda code: verify_result_url(outcome, code)),
        "outcome": outcome.value,
        "message": gettext(lang, message),
        "form_url": form_url(lang),
        "contact_email": settings.contact_email,
        "contact_phone": settings.contact_phone,
    }
    return render("access_request/verify.html", lang, **context)
