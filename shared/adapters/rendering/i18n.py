"""Translations as Babel message catalogs: every `shared/locales/<lang>/LC_MESSAGES/*.po`.

Each area of the app keeps its own catalog domain (access.po, portal.po, advisor.po,
mail.po, …) so they can grow independently; all domains of a language are merged.
The .po files are compiled in memory at first use, so there is no build step to forget.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING

from shared.domain.languages import LANGUAGES

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
        merged.merge(_compile(po_path, lang))
    return merged


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


# The portal's line names (catalog msgids): one naming for pages and mails.
LINE_MSGIDS = {
    "IJM": "Daily sickness allowance",
    "LAA": "Accident insurance",
    "LAAC": "Supplementary accident insurance",
}


def line_label(line: str, lang: str) -> str:
    """A line as its reader names it, e.g. `Krankentaggeld (KTG)` (an unknown code as it is)."""
    msgid = LINE_MSGIDS.get(line)
    return gettext(lang, msgid) if msgid else line
