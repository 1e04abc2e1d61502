"""Every message the access pages and mails use is in their catalogs, and no other domain
translates the same message differently (domains are merged per language, so one would win)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from shared.adapters.rendering.i18n import LOCALES
from shared.adapters.rendering.templates import TEMPLATES
from shared.domain.languages import LANGUAGES
from web import access_pages

PAGE_TEMPLATES = [*sorted((TEMPLATES / "access_request").glob("*.html")), TEMPLATES / "dev" / "outbox.html"]
MAIL_TEMPLATES = sorted(p for p in (TEMPLATES / "mail").glob("access_*/*") if p.is_file())
PYTHON_MESSAGES = {
    *access_pages._GENERIC.values(),
    *access_pages._SPECIFIC.values(),
    *(text for pair in access_pages._VERIFY.values() for text in pair),
    "Access to the benefit documents portal",
    "Thank you",
    "Outbox",
    "For your security the form had expired. Please check your details and send the form again.",
    "Please correct the marked fields.",
    "Privacy notice",
    "Too many requests were sent. Please try again later.",
}


def _ids(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        with path.open("rb") as handle:
            for _line, _func, message, _comments in babel_extract(handle, ["_"], [], {"extensions": "jinja2.ext.i18n"}):
                first = message if isinstance(message, str) else (message or ("",))[0]
                found.add(str(first))
    return found


def _catalog(lang: str, domain: str) -> dict[str, str]:
    with (LOCALES / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle, locale=lang) if m.id}


def test_page_messages_are_in_the_access_catalog() -> None:
    known = set(_catalog("en", "access"))
    shared = set(_catalog("en", "common"))  # "%(label)s:" serves every label with a colon
    assert _ids(PAGE_TEMPLATES) - known - shared == set()
    assert PYTHON_MESSAGES - known == set()


def test_mail_messages_are_in_the_mail_access_catalog() -> None:
    shared = set(_catalog("en", "common"))  # "%(label)s: %(value)s" serves every text mail
    assert _ids(MAIL_TEMPLATES) - set(_catalog("en", "mail_access")) - shared == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_other_domain_translates_our_messages_differently(lang: str) -> None:
    ours = {**_catalog(lang, "mail_access"), **_catalog(lang, "access")}
    for path in sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po")):
        if path.stem in {"access", "mail_access"}:
            continue
        for msgid, text in _catalog(lang, path.stem).items():
            if msgid in ours:
                assert text == ours[msgid], f"{path.stem}.po ({lang}) translates {msgid!r} differently"
