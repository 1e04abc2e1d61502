"""The glossary's checkable rules (../shared/GLOSSARY.md) as one function over rendered text.

Used by the catalog guard (tests/unit/test_language_guard.py) over every rendered page and
mail, and by the browser test that takes the fr/it screenshots. Each rule returns a short
description of what it found, so a failure says what to fix.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Final

NBSP: Final = "\u00a0"
NNBSP: Final = "\u202f"

MONTHS: Final = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember "
    "Jan Feb Mär Apr Jun Jul Aug Sep Okt Nov Dez",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
    "janv févr avr juil sept oct nov déc",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre "
    "gen feb mar apr mag giu lug ago set ott nov dic",
    "en": "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec",
}
_ANY_MONTH: Final = "|".join(sorted({m for names in MONTHS.values() for m in names.split()}, key=len, reverse=True))
# "2 mars 2026", "2. März 2026", "Mar 2, 2026", "2 Mar 2026"
_MONTH_DATE: Final = re.compile(
    rf"\b\d{{1,2}}\.?\s+(?:{_ANY_MONTH})\.?,?\s+\d{{4}}\b|\b(?:{_ANY_MONTH})\.?\s+\d{{1,2}},?\s+\d{{4}}\b",
    re.IGNORECASE,
)

# The line codes each language shows; every other language's codes are foreign on its pages.
CODES: Final = {
    "de": ("KTG", "UVG", "UVG-Z"),
    "fr": ("IJM", "LAA", "LAAC"),
    "it": ("IGM", "LAINF", "LAINF-C"),
    "en": ("IJM", "LAA", "LAAC"),
}
_ALL_CODES: Final = sorted({c for codes in CODES.values() for c in codes}, key=len, reverse=True)
_CODE: Final = re.compile(r"(?<![\w-])(" + "|".join(re.escape(c) for c in _ALL_CODES) + r")(?![\w-])")

_FAKE_PLURAL: Final = re.compile(r"\w\((?:e|s|n|en|es|i|x)\)|\b\w+[oa]/[ie]\b")
_ONE_MANY: Final = re.compile(r"(?<![\d'.,])1\s+(?:Tagen|Dokumente|jours|documents|giorni|documenti|days)\b")
_DOC_TYPE_CODE: Final = re.compile(
    r"\b(?:payment_letter|benefit_statement|cover_confirmation|waiting_letter|cost_reimbursement|[a-z]+_[a-z_]+)\b"
)
_URL_OR_MAIL: Final = re.compile(r"\S+@\S+|\bhttps?://\S+|/[\w/?=&.%-]+")
# "IJM … (IJM)": a code repeated in brackets within one line of text.
_REPEATED_CODE: Final = re.compile(r"(?<![\w-])([A-Z][A-Z-]{1,7}[A-Z])(?![\w-])[^\n]{0,120}\(\1\)")


# Words the glossary replaced: a catalog (or page) of that language must not use them.
RETIRED: Final = {
    "de": ("Firma", "Zahlungsbrief", "Wartebrief", "Gelöscht am", "Sammelpostfach", "Antragsteller/in", "UVGZ"),
    "fr": ("Lettre de paiement", "boîte partagée", "Demandeur/euse", "Supprimé le"),
    "it": ("tuoi", "tuo ", "tua ", "Lettera di pagamento", "Lettera di attesa", "casella condivisa"),
    "en": ("free-mail", "accesses", "Payment letter", "Waiting letter", "Cover confirmation", "Deleted on"),
}

# The glossary's table, as the reader sees each line and document type.
GLOSSARY_LINES: Final = {
    "de": {"IJM": "Krankentaggeld (KTG)", "LAA": "Unfallversicherung (UVG)", "LAAC": "UVG-Zusatzversicherung (UVG-Z)"},
    "fr": {
        "IJM": "Indemnités journalières maladie (IJM)",
        "LAA": "Assurance-accidents (LAA)",
        "LAAC": "Assurance complémentaire LAA (LAAC)",
    },
    "it": {
        "IJM": "Indennità giornaliera di malattia (IGM)",
        "LAA": "Assicurazione contro gli infortuni (LAINF)",
        "LAAC": "Assicurazione complementare LAINF (LAINF-C)",
    },
    "en": {
        "IJM": "Daily sickness allowance (IJM)",
        "LAA": "Accident insurance (LAA)",
        "LAAC": "Supplementary accident insurance (LAAC)",
    },
}
GLOSSARY_TYPES: Final = {
    "payment_letter": {
        "de": "Zahlungsanzeige",
        "fr": "Avis de paiement",
        "it": "Avviso di pagamento",
        "en": "Payment advice",
    },
    "benefit_statement": {
        "de": "Leistungsabrechnung",
        "fr": "Décompte de prestations",
        "it": "Conteggio delle prestazioni",
        "en": "Benefit statement",
    },
    "cover_confirmation": {
        "de": "Kostengutsprache",
        "fr": "Lettre de prise en charge",
        "it": "Lettera di assunzione dei costi",
        "en": "Cost approval",
    },
    "waiting_letter": {
        "de": "Zwischenbescheid",
        "fr": "Lettre d'attente",
        "it": "Lettera interlocutoria",
        "en": "Holding letter",
    },
    "cost_reimbursement": {
        "de": "Kostenrückerstattung",
        "fr": "Remboursement des frais",
        "it": "Rimborso delle spese",
        "en": "Cost reimbursement",
    },
}

# Attributes a person reads (or hears through a screen reader); ids, values and links are not text.
_READ_ATTRIBUTES: Final = {"aria-label", "title", "alt", "placeholder", "data-label", "data-confirm"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if v and (k in _READ_ATTRIBUTES or k.startswith("data-selected"))]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag in ("p", "li", "tr", "td", "th", "dd", "dt", "h1", "h2", "h3", "option", "label", "div", "br"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """What a person reads on a page: text nodes and the readable attributes, tags dropped."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def month_dates(text: str) -> list[str]:
    return [m.group(0) for m in _MONTH_DATE.finditer(text)]


def foreign_codes(text: str, lang: str) -> list[str]:
    own = set(CODES[lang])
    return sorted({m.group(1) for m in _CODE.finditer(text)} - own)


def french_spacing(text: str) -> list[str]:
    """An ordinary space (or none) where French wants a no-break one: before `; : ? !` and inside « »."""
    found = [m.group(0) for m in re.finditer(r"\S* [;:?!]", text)]
    found += [m.group(0) for m in re.finditer(r"«[ \S]|[ \S]»", text) if NNBSP not in m.group(0)]
    return found


def language_problems(text: str, lang: str) -> list[str]:
    """Everything the glossary forbids in `text` rendered for `lang` (empty when it reads right)."""
    plain = _URL_OR_MAIL.sub(" ", text)
    problems = [f"month in a date: {d!r}" for d in month_dates(plain)]
    problems += [f"line code of another language: {c}" for c in foreign_codes(plain, lang)]
    problems += [f"faked plural: {m.group(0)!r}" for m in _FAKE_PLURAL.finditer(plain)]
    problems += [f"plural after 1: {m.group(0)!r}" for m in _ONE_MANY.finditer(plain)]
    problems += [f"raw code: {m.group(0)!r}" for m in _DOC_TYPE_CODE.finditer(plain)]
    problems += [f"code twice: {m.group(0)!r}" for m in _REPEATED_CODE.finditer(plain)]
    if lang == "fr":
        problems += [f"French spacing: {s!r}" for s in french_spacing(plain)]
    if lang == "de" and "ß" in plain:
        problems.append("ß in Swiss German")
    problems += [f"retired word: {w!r}" for w in RETIRED[lang] if w in plain]
    return problems
