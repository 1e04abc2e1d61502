"""The language guard (issue 16): the catalogs, and every page and mail rendered from them,
follow ../shared/GLOSSARY.md — same messages in every language with real plural forms,
French no-break spaces, Swiss dates, each language's own line codes, no retired words.

The rules on rendered text live in tests/support/language_rules.py; the portal page and the
advisor console are checked the same way in tests/integration/test_language_pages.py, the
fr/it screenshots in tests/browser/test_language_screens.py.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from shared.adapters.mail.notifications import mail_context
from shared.adapters.mail.quarantine_summary import quarantine_summary_context
from shared.adapters.mail.render import render_mail
from shared.adapters.rendering import formatting
from shared.adapters.rendering.i18n import LOCALES, gettext, line_label, ngettext, translations, type_name
from shared.adapters.rendering.templates import TEMPLATES
from shared.domain.access_request import VerifyOutcome
from shared.domain.documents import TYPE_MSGIDS
from shared.domain.languages import LANGUAGES
from shared.domain.lines import DOC_TYPES, LINE_MSGIDS, LINES
from shared.domain.notifications import Count, Mail, Summary, daily_period, weekly_period
from shared.domain.quarantine_summary import QuarantinedItem, summarise
from shared.domain.refusals import Reason
from shared.domain.search import TYPE_SEARCH_NAMES, index_words, type_words
from shared.settings import Settings
from tests.support.language_rules import (
    GLOSSARY_LINES,
    GLOSSARY_TYPES,
    NBSP,
    NNBSP,
    RETIRED,
    html_text,
    language_problems,
)
from web import access_pages
from web.error_pages import PAGES, SignedIn, render_error_page
from web.privacy_page import render_privacy

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = sorted({p.stem for p in LOCALES.glob("*/LC_MESSAGES/*.po")})
PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
# An English count followed by its noun outside ngettext: "%(days)s days", "%(n)d documents".
FAKED_COUNT = re.compile(r"%\(\w+\)[sd] (?:day|hour|minute|document|week|month)s?\b")


def _catalog(lang: str, domain: str) -> Catalog:
    path = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"missing catalog {path.relative_to(LOCALES)}"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _strings(message: Any) -> list[str]:
    return [s for s in (message.string if isinstance(message.string, tuple | list) else [message.string])]


def _header(lang: str, domain: str) -> str:
    return (LOCALES / lang / "LC_MESSAGES" / f"{domain}.po").read_text(encoding="utf-8")


# -- the catalogs --------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_catalog_has_the_same_messages_and_the_plural_header(domain: str) -> None:
    ids = {lang: {(str(m.id), bool(m.pluralizable)) for m in _catalog(lang, domain) if m.id} for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert ids[lang] == ids["en"], f"{domain}.po of {lang} differs from en: {ids[lang] ^ ids['en']}"
        assert f'"Plural-Forms: {PLURAL_FORMS[lang]}\\n"' in _header(lang, domain), f"{lang}/{domain}.po header"
        untranslated = [m.id for m in _catalog(lang, domain) if m.id and not all(_strings(m))]
        assert not untranslated, f"{lang}/{domain}.po untranslated: {untranslated[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang: str) -> None:
    for domain in DOMAINS:
        for message in _catalog(lang, domain):
            if not message.id:
                continue
            source = message.id[0] if isinstance(message.id, tuple) else message.id
            wanted = {a or b for a, b in PLACEHOLDER.findall(str(source))}
            for text in _strings(message):
                got = {a or b for a, b in PLACEHOLDER.findall(text)}
                # A singular may say "dans l'heure" instead of "1"; every other placeholder stays.
                assert got == wanted or (got == wanted - {"num"} and message.pluralizable), (
                    f"{lang}/{domain}.po {source!r}: {sorted(got)} != {sorted(wanted)}"
                )


def test_counts_use_ngettext_not_a_fixed_plural() -> None:
    for domain in DOMAINS:
        for message in _catalog("en", domain):
            if message.id and not message.pluralizable:
                assert not FAKED_COUNT.search(str(message.id)), f"{domain}: use ngettext for {message.id!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_fakes_a_plural_or_uses_a_retired_word(lang: str) -> None:
    for domain in DOMAINS:
        for message in _catalog(lang, domain):
            for text in _strings(message) if message.id else []:
                assert not re.search(r"\w\((?:e|s|n|en|es|i|x)\)|\w[oa]/[ie]\b", text), f"{lang}: {text!r}"
                for word in RETIRED[lang]:
                    assert word not in text, f"{lang}/{domain}.po uses retired {word!r}: {text!r}"
                if lang == "de":
                    assert "ß" not in text, text


def test_french_spaces_are_no_break_spaces() -> None:
    for domain in DOMAINS:
        for message in _catalog("fr", domain):
            for text in _strings(message) if message.id else []:
                assert not re.search(r"[ \t][;:?!»]|«[ \t]", text), f"ordinary space in fr/{domain}.po: {text!r}"
                for match in re.finditer(r"(.)([;?!])", text):
                    assert match.group(1) == NNBSP, f"fr/{domain}.po needs U+202F before {match.group(2)!r}: {text!r}"
                for match in re.finditer(r"(.):(?!//)", text):
                    assert match.group(1) == NBSP, f"fr/{domain}.po needs U+00A0 before ':': {text!r}"
                assert text.count("«") == text.count("«" + NNBSP) and text.count("»") == text.count(NNBSP + "»")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_two_domains_translate_a_message_differently(lang: str) -> None:
    """Domains are merged per language, so one would silently win."""
    seen: dict[str, tuple[str, Any]] = {}
    for domain in DOMAINS:
        for message in _catalog(lang, domain):
            if not message.id:
                continue
            key = str(message.id)
            if key in seen:
                assert seen[key][1] == message.string, f"{lang}: {domain} and {seen[key][0]} differ on {key!r}"
            seen[key] = (domain, message.string)


# -- the messages the code asks for ------------------------------------------------------------


def _known() -> tuple[set[str], dict[str, str]]:
    singles: set[str] = set()
    plurals: dict[str, str] = {}
    for domain in DOMAINS:
        for message in _catalog("en", domain):
            if isinstance(message.id, tuple | list):
                plurals[str(message.id[0])] = str(message.id[1])
            elif message.id:
                singles.add(str(message.id))
    return singles, plurals


def _template_messages() -> list[tuple[str, Any]]:
    found = []
    for path in sorted(p for p in TEMPLATES.rglob("*") if p.is_file()):
        with path.open("rb") as handle:
            for _line, func, message, _comments in babel_extract(
                handle, ["_", "gettext", "ngettext"], [], {"extensions": "jinja2.ext.i18n"}
            ):
                found.append((f"{path.relative_to(TEMPLATES)} {func}", message))
    return found


def _python_messages() -> list[tuple[str, Any]]:
    """`gettext(lang, "…")`, `ngettext(lang, "…", "…", n)` and `_("…")` calls with literal texts."""
    found: list[tuple[str, Any]] = []
    for path in sorted([*(ROOT / "shared").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name | ast.Attribute):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name in {"gettext", "_"} and texts:
                found.append((f"{path.name} {name}", texts[0]))
            elif name in {"ngettext", "_n"} and len(texts) >= 2:
                found.append((f"{path.name} {name}", (texts[0], texts[1])))
    return found


def test_every_message_the_code_asks_for_is_in_the_catalogs() -> None:
    singles, plurals = _known()
    python_tables = [
        *access_pages._GENERIC.values(),
        *access_pages._SPECIFIC.values(),
        *(text for pair in access_pages._VERIFY.values() for text in pair),
        *LINE_MSGIDS.values(),
        *TYPE_MSGIDS.values(),
    ]
    missing = [t for t in python_tables if t not in singles]
    for where, message in [*_template_messages(), *_python_messages()]:
        if isinstance(message, tuple):
            singular, plural = message[0], message[1]
            if plurals.get(singular) != plural:
                missing.append(f"{where}: plural {singular!r}")
        elif message not in singles:
            missing.append(f"{where}: {message!r}")
    assert not missing, "\n".join(missing)


# -- the glossary's names ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lines_and_types_carry_the_glossary_names(lang: str) -> None:
    assert {line: line_label(line, lang) for line in LINES} == GLOSSARY_LINES[lang]
    assert {t: type_name(t, lang) for t in DOC_TYPES} == {t: names[lang] for t, names in GLOSSARY_TYPES.items()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_a_type_by_the_name_every_page_shows(lang: str) -> None:
    """The page's name (names.po) and search's names (domain/search.py) must not drift apart."""
    for doc_type in DOC_TYPES:
        assert type_name(doc_type, lang) in TYPE_SEARCH_NAMES[doc_type][lang]
        assert set(index_words([type_name(doc_type, lang)])) <= set(type_words(doc_type))


def test_plural_rules_follow_each_language() -> None:
    one, many = "Will be deleted in %(num)d day", "Will be deleted in %(num)d days"
    assert ngettext("fr", one, many, 0) == ngettext("fr", one, many, 1) != ngettext("fr", one, many, 2)
    assert ngettext("de", one, many, 1) != ngettext("de", one, many, 0) == ngettext("de", one, many, 2)
    assert ngettext("it", one, many, 1) % {"num": 1} == "Sarà eliminato tra 1 giorno"
    assert translations("de").gettext("Language") == gettext("de", "Language") == "Sprache"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_are_swiss_in_every_language(lang: str) -> None:
    assert formatting.day(date(2026, 3, 2), lang) == "02.03.2026"
    assert formatting.day(datetime(2026, 12, 31, 23, 0), lang) == "31.12.2026"


# -- rendered pages and mails (no storage needed) --------------------------------------------------

SETTINGS = Settings(insurer_name="Versicherer AG", verification_ttl_hours=1)


def _pages(lang: str) -> dict[str, str]:
    pages = {
        "form": access_pages.render_form(lang, SETTINGS, csrf_token="x"),
        "form with errors": access_pages.render_form(
            lang,
            SETTINGS,
            csrf_token="x",
            values={"lines": ["IJM", "LAAC"]},
            errors={"email": "email_private_domain", "lines": "required", "consent": "required"},
            alert="Please correct the marked fields.",
        ),
        "received (1 hour)": access_pages.render_received(lang, SETTINGS),
        "received (72 hours)": access_pages.render_received(lang, Settings()),
        "privacy": render_privacy(lang, SETTINGS),
    }
    for outcome in VerifyOutcome:
        pages[f"verify {outcome.value}"] = access_pages.render_verify(outcome, lang, SETTINGS)
    for status in PAGES:
        pages[f"error {status}"] = render_error_page(status, lang, SETTINGS)
        pages[f"error {status} signed in"] = render_error_page(
            status, lang, SETTINGS, signed_in=SignedIn("Léa Rossi", "lea@muster-ag.ch", "x")
        )
    for seconds in (1, 60, 3600):
        pages[f"error 429 after {seconds}s"] = render_error_page(429, lang, SETTINGS, retry_after=seconds)
    return {name: html_text(html) for name, html in pages.items()}


MAIL_CONTEXT: dict[str, Any] = {
    "full_name": "Léa Rossi",
    "first_name": "Léa",
    "last_name": "Rossi",
    "link": "https://portal.example/api/access-request/verify?token=abc",
    "valid_hours": 1,
    "insurer_name": "Versicherer AG",
    "brand_colour": "#0b4f8a",
    "customer_number": "100001",
    "registry_name": "Muster AG",
    "company_name": "Muster AG",
    "lines": ["IJM", "LAA", "LAAC"],
    "applicant_language": "it",
    "request_id": "r-1",
    "console_url": "https://portal.example/advisor",
    "portal_url": "https://portal.example/portal?lang=fr",
}


def _quarantine_summary(oldest_days: int, recent: int) -> dict[str, Any]:
    now = datetime(2026, 3, 2, 6, 0)
    items = [QuarantinedItem(Reason.BAD_DATE, now - timedelta(days=oldest_days))]
    items += [QuarantinedItem(Reason.UNKNOWN_CUSTOMER, now) for _ in range(recent)]
    summary = summarise(items, now)
    assert summary is not None
    return quarantine_summary_context(summary, SETTINGS)


# The generator's team reads the quarantine reasons as the codes docs/generator.md lists
# (the operations contract, shared/domain/refusals.py): the one place a code is the name.
REASON_CODES = re.compile("|".join(sorted((r.value for r in Reason), key=len, reverse=True)))


def _notification(kind: str, lang: str, weekly: bool = False, one: bool = False) -> dict[str, Any]:
    """The digest's or reminder's context as the notification run builds it (one document, or
    several in two lines of two companies)."""
    monday = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    counts = [Count("100001", "IJM", "payment_letter", 1)]
    if not one:
        counts += [Count("100001", "LAAC", "waiting_letter", 2), Count("100002", "LAA", "benefit_statement", 1)]
    period = weekly_period(monday) if weekly else daily_period(monday)
    mail = Mail(
        kind=kind,
        person="t|o",
        to="lea@muster-ag.ch",
        language=lang,
        summary=Summary(counts, date(2026, 2, 23), date(2026, 3, 1)),
        period=period if kind == "digest" else None,
        deletes_on=datetime(2026, 3, 9, tzinfo=UTC) if kind == "reminder" else None,
        companies={"100001": "Muster AG", "100002": "Beispiel GmbH"},
        dedupe_key="k",
    )
    return {**MAIL_CONTEXT, **mail_context(mail, SETTINGS, b"k" * 32, "weekly" if weekly else "daily")}


def _mail_variants(lang: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every mail template, with the contexts that change its wording (counts of 1 and many)."""
    names = sorted(p.name for p in (TEMPLATES / "mail").iterdir() if p.is_dir())
    variants: dict[str, tuple[str, dict[str, Any]]] = {name: (name, MAIL_CONTEXT) for name in names}
    variants["quarantine_summary"] = ("quarantine_summary", {**MAIL_CONTEXT, **_quarantine_summary(3, 1)})
    variants["rejection"] = ("rejection", {**MAIL_CONTEXT, "reason": "Keine Geschäftsadresse"})
    for kind in ("digest", "reminder"):
        variants[kind] = (kind, _notification(kind, lang))
        variants[f"{kind} (one document)"] = (kind, _notification(kind, lang, one=True))
    variants["digest (weekly)"] = ("digest", _notification("digest", lang, weekly=True))
    return variants


def _mails(lang: str) -> dict[str, str]:
    found = {}
    for name, (template, context) in _mail_variants(lang).items():
        mail = render_mail(template, lang, context, SETTINGS)
        text, html = mail.subject + "\n" + mail.text, html_text(mail.html)
        if template == "quarantine_summary":
            text, html = REASON_CODES.sub("R", text), REASON_CODES.sub("R", html)
        found[f"{name} subject+text"] = text
        found[f"{name} html"] = html
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_and_mails_read_by_the_glossary(lang: str) -> None:
    rendered = {**_pages(lang), **_mails(lang)}
    problems = {name: language_problems(text, lang) for name, text in rendered.items()}
    assert not {k: v for k, v in problems.items() if v}
    for name, text in rendered.items():
        assert "Microsoft Entra" not in text or name.startswith(("form", "privacy")), name
    assert "Microsoft Entra" in rendered["form"] and "Microsoft Entra" in rendered["privacy"]


@pytest.mark.parametrize("lang", ["fr", "it", "en"])
def test_mails_name_the_lines_never_the_codes_alone(lang: str) -> None:
    text = _mails(lang)["welcome subject+text"]
    assert all(GLOSSARY_LINES[lang][line] in text for line in LINES), text
    assert "IJM, LAA" not in text


def test_singular_counts_read_as_singular() -> None:
    assert "innerhalb von 1 Stunde;" in _pages("de")["received (1 hour)"]
    assert "dans l'heure" in _pages("fr")["received (1 hour)"]
    assert "entro 72 ore" in _pages("it")["received (72 hours)"]
    assert "valid for 1 hour and" in _mails("en")["access_confirm subject+text"]


def test_the_quarantine_summary_counts_in_each_language() -> None:
    one = {**MAIL_CONTEXT, **_quarantine_summary(oldest_days=1, recent=0)}
    de = render_mail("quarantine_summary", "de", one)
    assert de.subject.startswith("Quarantäne-Übersicht 02.03.2026: 1 Dokument wartet")
    fr = render_mail("quarantine_summary", "fr", one)
    assert "(1 jour)" in fr.text and f"Total en attente{NBSP}: 1" in fr.text
    assert f"02.03.2026{NBSP}: 1 document en attente" in fr.subject  # the subject keeps the no-break space
    assert "bad_date" + NBSP + ": 1" in fr.text
