"""Every message catalog domain exists in all four languages and translates every message."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from shared.adapters.rendering.i18n import LOCALES, gettext
from shared.domain.languages import LANGUAGES

DOMAINS = sorted({p.stem for p in LOCALES.glob("*/LC_MESSAGES/*.po")})


def _catalog(lang: str, domain: str):  # type: ignore[no-untyped-def]
    path = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"missing catalog {path.relative_to(LOCALES)}"
    with Path(path).open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_language_has_the_same_messages_all_translated(domain: str) -> None:
    ids = {lang: {m.id for m in _catalog(lang, domain) if m.id} for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert ids[lang] == ids["en"], f"{domain}.po of {lang} differs from en"
        untranslated = [m.id for m in _catalog(lang, domain) if m.id and not m.string]
        assert not untranslated, f"{lang}/{domain}.po untranslated: {untranslated[:5]}"


def test_catalogs_are_used_by_gettext() -> None:
    assert gettext("de", "Language") == "Sprache"
    assert gettext("fr", "Language") == "Langue"
    assert gettext("it", "Language") == "Lingua"
