"""jinja2 rendering with autoescape on and the language's catalogs installed.

`_`, `gettext` and `ngettext` are the newstyle callables (placeholders are filled and
escaped by jinja; `ngettext` fills `%(num)d` with the count). The glossary's names and the
Swiss date come as filters bound to the page's language, so a template never shows a raw
code or a month name: `line | line_label`, `doc_type | type_name`, `value | day`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.adapters.rendering.formatting import day
from shared.adapters.rendering.i18n import line_label, line_name, translations, type_name
from shared.domain.languages import LANGUAGE_NAMES, LANGUAGES
from shared.domain.lines import local_code
from shared.settings import Settings

_site: Callable[[], Settings] = Settings

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@functools.cache
def environment(lang: str) -> Environment:
    # jinja2 at the first page, not at import: every new instance pays the import (cold start).
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml"), default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["LANGUAGES"] = LANGUAGES
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    env.globals["lang"] = lang
    env.filters["line_label"] = lambda line: line_label(line, lang)
    env.globals["site"] = site
    env.filters["line_name"] = lambda line: line_name(line, lang)
    env.filters["line_code"] = lambda line: local_code(line, lang)
    env.filters["type_name"] = lambda doc_type: type_name(doc_type, lang)
    env.filters["day"] = day
    return env


def render(template: str, lang: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(lang=lang, **context)


def provide_site(source: Callable[[], Settings]) -> None:
    """Where every page's frame (footer links, contact) reads its settings from: the
    composition root registers its current settings (shared/context.py), read when a page
    renders, since a test or the dev host may install another context at any time."""
    global _site
    _site = source


def site() -> Settings:
    try:
        return _site()
    except Exception:  # noqa: BLE001 - a page without storage configured still renders
        return Settings()
