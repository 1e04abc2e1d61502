"""The readable file name a customer gets for a download, per language (RFC 6266 `filename*`).

Stored blobs are named by document id (opaque, collision-free); a person saving the file
wants to recognise it later, so the download carries line, type, date and reference.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from typing import Final

from shared.domain.languages import DEFAULT_LANGUAGE, LANGUAGES

TYPE_NAMES: Final[dict[str, dict[str, str]]] = {
    "payment_letter": {
        "de": "Zahlungsschreiben", "fr": "Lettre de paiement",
        "it": "Lettera di pagamento", "en": "Payment letter",
    },
    "benefit_statement": {
        "de": "Leistungsabrechnung", "fr": "Décompte de prestations",
        "it": "Conteggio delle prestazioni", "en": "Benefit statement",
    },
    "cover_confirmation": {
        "de": "Kostengutsprache", "fr": "Lettre de prise en charge",
        "it": "Garanzia di assunzione dei costi", "en": "Cover confirmation",
    },
    "waiting_letter": {
        "de": "Zwischenbescheid", "fr": "Lettre demandant de patienter",
        "it": "Lettera di attesa", "en": "Waiting letter",
    },
    "cost_reimbursement": {
        "de": "Kostenrückerstattung", "fr": "Remboursement des frais",
        "it": "Rimborso delle spese", "en": "Cost reimbursement",
    },
}

# Characters that are awkward in a file name on some system or in a header value.
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
_NON_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._\-]+")
_MAX_STEM = 150


def type_name(doc_type: str, lang: str) -> str:
    """The type's name in the language; the code itself for an unknown type (never fails)."""
    names = TYPE_NAMES.get(doc_type)
    if names is None:
        return doc_type
    return names.get(lang if lang in LANGUAGES else DEFAULT_LANGUAGE, names[DEFAULT_LANGUAGE])


def _clean(part: str) -> str:
    text = unicodedata.normalize("NFC", part).strip().replace(" ", "_")
    return _UNSAFE.sub("_", text).strip("._")


def download_name(line: str, doc_type: str, doc_date: str, reference: str, lang: str) -> str:
    """E.g. `LAA_Leistungsabrechnung_2026-03-02_R123.pdf`; only letters, digits, `_ . -`."""
    parts = [_clean(p) for p in (line, type_name(doc_type, lang), doc_date, reference)]
    stem = "_".join(p for p in parts if p)[:_MAX_STEM] or "document"
    return f"{stem}.pdf"


def ascii_fallback(name: str) -> str:
    """The plain `filename=` for old clients: accents dropped, anything else becomes `_`."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ß", "ss"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ASCII_SAFE.sub("_", stripped) or "document.pdf"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII `filename` and the exact UTF-8 `filename*` (RFC 6266/8187)."""
    encoded = urllib.parse.quote(name, safe="")
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"
