"""The readable file name a customer gets for a download, per language (RFC 6266 `filename*`).

Stored blobs are named by document id (opaque, collision-free); a person saving the file
wants to recognise it later, so the download carries line, type, date and reference.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from typing import Final

# Characters that are awkward in a file name on some system or in a header value.
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
_NON_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._\-]+")
_MAX_STEM = 150


def _clean(part: str) -> str:
    text = unicodedata.normalize("NFC", part).strip().replace(" ", "_")
    return _UNSAFE.sub("_", text).strip("._")


def download_name(line_code: str, type_label: str, doc_date: str, reference: str) -> str:
    """E.g. `UVG_Leistungsabrechnung_2026-03-02_R123.pdf` (the reader's code and type name, from
    the glossary); only letters, digits, `_ . -`."""
    parts = [_clean(p) for p in (line_code, type_label, doc_date, reference)]
    stem = "_".join(p for p in parts if p)[:_MAX_STEM] or "document"
    return f"{stem}.pdf"


def ascii_fallback(name: str) -> str:
    """The plain `filename=` for old clients: accents dropped, anything else becomes `_`."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ß", "ss"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ASCII_SAFE.sub("_", stripped) or "document.pdf"


def content_disposition(name: str, inline: bool = False) -> str:
    """`attachment` (or `inline`, to open in the browser's viewer; the name is then the one a
    "save" in the viewer proposes) with an ASCII `filename` and the exact UTF-8 `filename*`
    (RFC 6266/8187)."""
    encoded = urllib.parse.quote(name, safe="")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"


_ARCHIVE_WORD: Final = {"de": "Dokumente", "fr": "Documents", "it": "Documenti", "en": "Documents"}


def archive_name(customer_number: str, day: str, lang: str) -> str:
    """E.g. `Dokumente_100001_2026-03-02.zip` for a bulk download."""
    word = _ARCHIVE_WORD.get(lang, _ARCHIVE_WORD["en"])
    return f"{word}_{_clean(customer_number)}_{_clean(day)}.zip"
