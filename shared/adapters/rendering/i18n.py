"""Translations as Babel message catalogs: every `shared/locales/<lang>/LC_MESSAGES/*.po`.

Each area of the app keeps its own catalog domain (access.po, portal.po, advisor.po,
mail.po, names.po, …) so they can grow independently; all domains of a language are
merged. The .po files are compiled in memory at first use, so there is no build step to
forget. Every catalog declares its `Plural-Forms`; the merged catalog keeps that rule
(French counts 0 and 1 as singular, the others only 1), so `ngettext` picks the right form.

The glossary's names (../shared/GLOSSARY.md) live in `names.po`: line and document type
names are looked up here by their code, so no screen, mail or file name shows a raw code.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING

from shared.domain.documents import TYPE_MSGIDS
from shared.domain.languages import LANGUAGES
from shared.domain.lines import LINE_MSGIDS, local_code

if TYPE_CHECKING:
    from babel.support import Translations

LOCALES = Path(__file__).resolve().parents[2] / "locales"


def _compile(po_path: Path, lang: str) -> Translations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=po_path.stem)


@functools.cache
def translations(lang: str) -> Translations:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    # Babel at the first translation, not at import (cold start).
    from babel.support import Translations

    merged = Translations()
    folder = LOCALES / lang / "LC_MESSAGES"
    for po_path in sorted(folder.glob("*.po")):
        compiled = _compile(po_path, lang)
        merged.merge(compiled)
        # An empty Translations() has no plural rule of its own: take the catalogs' one.
        merged.plural = compiled.plural  # type: ignore[attr-defined]
    return merged


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def ngettext(lang: str, singular: str, plural: str, count: int) -> str:
    """The form for `count` by the language's plural rule; callers fill `%(num)d` themselves."""
    return translations(lang).ngettext(singular, plural, count)


def line_name(line: str, lang: str) -> str:
    """E.g. `Krankentaggeld` for IJM in German (a code unknown here is shown as it is)."""
    msgid = LINE_MSGIDS.get(line)
    return gettext(lang, msgid) if msgid else line


def line_label(line: str, lang: str) -> str:
    """The name with the reader's own code: `Krankentaggeld (KTG)`, `Assurance-accidents (LAA)`."""
    if line not in LINE_MSGIDS:
        return line
    return gettext(lang, "%(name)s (%(code)s)") % {"name": line_name(line, lang), "code": local_code(line, lang)}


def type_name(doc_type: str, lang: str) -> str:
    """E.g. `Zahlungsanzeige` for payment_letter in German."""
    msgid = TYPE_MSGIDS.get(doc_type)
    return gettext(lang, msgid) if msgid else doc_type

