"""The privacy notice the access form's consent links to: what the portal stores, why, and
for how long — the periods read from the same settings the retention sweep applies
(docs/retention.md), so the notice cannot drift from what the portal really deletes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.adapters.rendering.i18n import gettext, ngettext
from shared.adapters.rendering.templates import render
from shared.settings import Settings
from web.access_pages import form_url, privacy_url


@dataclass(frozen=True)
class Row:
    what: str
    why: str
    periods: tuple[str, ...]


def _n(lang: str, singular: str, plural: str, count: int) -> str:
    return ngettext(lang, singular, plural, count) % {"num": count}


def rows(lang: str, settings: Settings) -> list[Row]:
    """One row per kind of personal data, in the order a person meets them."""
    _ = lambda text: gettext(lang, text)  # noqa: E731 - short alias, as in the templates
    session = _("Until %(idle)s without activity, at most %(total)s.") % {
        "idle": _n(lang, "%(num)d minute", "%(num)d minutes", settings.session_idle_minutes),
        "total": _n(lang, "%(num)d hour", "%(num)d hours", settings.session_absolute_hours),
    }
    return [
        Row(
            _(
                "Your access request: company name, customer number, your name, work e-mail address and phone, "
                "the insurance lines, the language and the version of the consent text you accepted."
            ),
            _("To check your request and inform you of our decision; the consent version records what you agreed to."),
            (
                _n(
                    lang,
                    "If you do not confirm your e-mail address: %(num)d day after you sent it.",
                    "If you do not confirm your e-mail address: %(num)d days after you sent it.",
                    settings.unverified_ttl_days,
                ),
                _n(
                    lang,
                    "If we reject it: %(num)d day after our decision.",
                    "If we reject it: %(num)d days after our decision.",
                    settings.rejected_request_ttl_days,
                ),
                _("If we approve it: kept as the record of your consent."),
            ),
        ),
        Row(
            _(
                "Your access: your e-mail address, your Microsoft Entra guest account, the company and the "
                "insurance lines you may see."
            ),
            _(
                "The guest account lets you sign in with your business Microsoft account and the second factor; "
                "the access shows you only your company's documents of these lines."
            ),
            (
                _n(
                    lang,
                    "While your access is active, and %(num)d day after it is revoked.",
                    "While your access is active, and %(num)d days after it is revoked.",
                    settings.revoked_grant_ttl_days,
                ),
            ),
        ),
        Row(
            _("Your sign-in: your name, e-mail address and language for the session."),
            _("To keep your session open."),
            (session,),
        ),
        Row(
            _(
                "The documents we publish for your company, with the names of insured persons and case numbers "
                "they carry."
            ),
            _("So that you can download them instead of receiving them by post."),
            (_n(lang, "%(num)d day after publication.", "%(num)d days after publication.", settings.retention_days),),
        ),
        Row(
            _("Downloads: which document went to which e-mail address, and when."),
            _("To know who received a document, for example to withdraw one published in error."),
            (_n(lang, "%(num)d day after the download.", "%(num)d days after the download.", settings.retention_days),),
        ),
        Row(
            _("The e-mails we send you."),
            _("To send them, and to send each one only once."),
            (_n(lang, "%(num)d day after sending.", "%(num)d days after sending.", settings.outbox_ttl_days),),
        ),
        Row(
            _(
                "The audit log: what was done and when, with the identifiers of your Microsoft Entra account but "
                "without your e-mail address."
            ),
            _("To show who did what; nobody can alter the log during its first year."),
            (_n(lang, "%(num)d day.", "%(num)d days.", settings.audit_keep_days),),
        ),
    ]


def privacy_context(lang: str, settings: Settings) -> dict[str, Any]:
    return {
        "page_title": gettext(lang, "Privacy notice"),
        "insurer_name": settings.insurer_name,
        "lang_url": privacy_url,
        "rows": rows(lang, settings),
        "consent_version": settings.consent_version,
        "form_url": form_url(lang),
    }


def render_privacy(lang: str, settings: Settings) -> str:
    return render("privacy/notice.html", lang, **privacy_context(lang, settings))
