"""Word normalisation for search (SPEC 5): the index and the query must fold text the same way.

Rules: Unicode NFKD, accents dropped, casefold (so `ß`→`ss`), split on anything that is
not a letter or digit. A German umlaut also yields its `ae`/`oe`/`ue` spelling, so
`Müller` is found by `muller`, `müller` and `mueller`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

MIN_PREFIX: Final = 2
BUCKET: Final = 4  # words this long or longer are indexed by their first BUCKET characters
MAX_WORD: Final = 40  # longer "words" are noise (hashes, glued text); cut to keep entities small
_UMLAUTS: Final = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def _split(folded: str) -> list[str]:
    words: list[str] = []
    current: list[str] = []
    for ch in folded:
        if ch.isalnum():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return [w[:MAX_WORD] for w in words]


def words(text: str) -> list[str]:
    """The folded words of a text, in order (no umlaut variants: use for queries)."""
    return _split(_fold(text or ""))


def index_words(texts: Iterable[str]) -> list[str]:
    """Every word a document should be found by, with umlaut variants, de-duplicated and sorted."""
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        found.update(words(text))
        if any(ch in _UMLAUTS for ch in text):
            found.update(words("".join(_UMLAUTS.get(ch, ch) for ch in text)))
    return sorted(found)


def code_words(codes: Iterable[str]) -> list[str]:
    """Case and claim numbers are also found without their leading letters: `S1234567` by
    `1234567` (people copy the digits from a letter or a phone call)."""
    found: set[str] = set()
    for code in codes:
        for word in words(code or ""):
            match = _LEADING_LETTERS.fullmatch(word)
            if match:
                found.add(match.group(1))
    return sorted(found)


def query_words(query: str) -> list[str]:
    """The words of a search query that count: at least MIN_PREFIX characters, de-duplicated.
    Dates typed the Swiss way (`19.02.2026`, `02.2026`) are not words: see query_dates."""
    seen: list[str] = []
    for word in words(_DATE.sub(lambda m: " " if _match_span(m) else m.group(0), query)):
        if len(word) >= MIN_PREFIX and word not in seen:
            seen.append(word)
    return seen


def matches(query: Iterable[str], candidates: Iterable[str]) -> bool:
    """AND of prefixes: every query word starts at least one candidate word."""
    pool = list(candidates)
    return all(any(c.startswith(q) for c in pool) for q in query)


def bucket(word: str) -> str:
    """The search range a word lives in: its first BUCKET characters, key-safe.

    Four characters keep a range small even where many words share a short prefix
    (references such as `r012…`); shorter query words are checked, not looked up.
    Letters outside a-z/0-9 (after folding) are hex-encoded so no user text reaches a
    Table key as is.
    """
    head = word[:BUCKET]
    if head.isascii() and head.isalnum():
        return head
    return "x" + head.encode("utf-8").hex()


def buckets(index: Iterable[str]) -> list[str]:
    """The distinct buckets of a document's words of at least BUCKET characters."""
    return sorted({bucket(w) for w in index if len(w) >= BUCKET})


# Letters (at most three) before digits: `s1234567`, `r123`, `k55`; the digits are the number.
_LEADING_LETTERS: Final = re.compile(r"[a-z]{1,3}([0-9][0-9a-z]*)", re.ASCII)

# What a type is found by, per language: its glossary name, the names the portal showed
# before the glossary (a search that found a document once still does) and what people call
# it (GLOSSARY: "the synonyms people type"). Folded like every other word. Kept here, apart
# from the display names, so search does not change when a page's wording does.
TYPE_SEARCH_NAMES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "payment_letter": {
        "de": ("Zahlungsanzeige", "Zahlungsbrief", "Zahlungsavis", "Auszahlung"),
        "fr": ("Avis de paiement", "Lettre de paiement", "Versement"),
        "it": ("Avviso di pagamento", "Lettera di pagamento", "Versamento"),
        "en": ("Payment advice", "Payment letter", "Payout"),
    },
    "benefit_statement": {
        "de": ("Leistungsabrechnung", "Abrechnung", "Leistungsausweis"),
        "fr": ("Décompte de prestations", "Décompte"),
        "it": ("Conteggio delle prestazioni", "Conteggio", "Rendiconto"),
        "en": ("Benefit statement", "Statement of benefits"),
    },
    "cover_confirmation": {
        "de": ("Kostengutsprache", "Gutsprache", "Bestätigung", "Deckungsbestätigung", "Deckungszusage",
               "Kostenübernahme"),
        "fr": ("Lettre de prise en charge", "Prise en charge", "Confirmation de couverture", "Garantie"),
        "it": ("Lettera di assunzione dei costi", "Assunzione dei costi", "Conferma di copertura", "Garanzia"),
        "en": ("Cost approval", "Cover confirmation", "Confirmation of cover", "Guarantee"),
    },
    "waiting_letter": {
        "de": ("Zwischenbescheid", "Wartebrief"),
        "fr": ("Lettre d'attente", "Lettre demandant de patienter", "Attente"),
        "it": ("Lettera interlocutoria", "Lettera di attesa", "Attesa"),
        "en": ("Holding letter", "Waiting letter", "Interim letter"),
    },
    "cost_reimbursement": {
        "de": ("Kostenrückerstattung", "Rückerstattung der übernommenen Kosten", "Vergütung"),
        "fr": ("Remboursement des frais", "Remboursement des frais pris en charge"),
        "it": ("Rimborso delle spese", "Rimborso delle spese assunte"),
        "en": ("Cost reimbursement", "Reimbursement", "Refund"),
    },
}


@functools.cache
def type_words(doc_type: str) -> tuple[str, ...]:
    """Every word a type is found by: its glossary names and synonyms in the four languages, its code
    (tests/unit/test_language_guard.py checks that every name the catalogs show is among them)."""
    texts = [name for names in TYPE_SEARCH_NAMES.get(doc_type, {}).values() for name in names]
    return tuple(sorted(set(index_words(texts)) | set(words(doc_type))))


# A day `19.02.2026` (also `19.2.2026`, `2026-02-19`) or a month `02.2026` (`2026-02`).
_DATE: Final = re.compile(
    r"(?<![0-9.\-])(?:([0-9]{1,2})\.)?([0-9]{1,2})\.([0-9]{4})(?![0-9.\-])"
    r"|(?<![0-9.\-])([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?(?![0-9.\-])",
    re.ASCII,
)


def query_dates(query: str) -> tuple[date, date] | None:
    """The document dates a query names, as one inclusive window (several dates: where they
    overlap, possibly empty: start after end). None when the query names no date."""
    window: tuple[date, date] | None = None
    for match in _DATE.finditer(query or ""):
        span = _match_span(match)
        if span is None:
            continue
        window = span if window is None else (max(window[0], span[0]), min(window[1], span[1]))
    return window


def _match_span(match: re.Match[str]) -> tuple[date, date] | None:
    day, month, year = match.group(1), match.group(2), match.group(3)
    if year is None:
        year, month, day = match.group(4), match.group(5), match.group(6)
    return _span(int(year), int(month), int(day) if day else None)


def _span(year: int, month: int, day: int | None) -> tuple[date, date] | None:
    try:
        if day is not None:
            one = date(year, month, day)
            return one, one
        first = date(year, month, 1)
    except ValueError:
        return None
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


@dataclass(frozen=True)
class SearchPlan:
    """Which read answers a search, decided before any storage is touched.

    `driver` is the word whose bucket range is read (None: no word is long enough, so the
    list is read newest first and checked); `driver_types` are the document types the driver
    names, whose list entries are read too. Every query word must match each document kept.
    """

    words: tuple[str, ...]
    type_hits: dict[str, frozenset[str]]
    driver: str | None
    driver_types: tuple[str, ...]

    def accepts(self, doc_type: str, found: Sequence[str]) -> bool:
        """Every query word starts one of the document's words or names its type."""
        return all(doc_type in self.type_hits[w] or matches([w], found) for w in self.words)


def plan_search(query: Iterable[str], allowed_types: Iterable[str], doc_type: str | None) -> SearchPlan:
    """One word drives the read: the longest of at least BUCKET characters, preferring one
    that names no document type (a type's name would match every document of that type)."""
    qwords = tuple(query_words(" ".join(query)))
    allowed = set(allowed_types)
    type_hits = {w: frozenset(t for t in allowed if any(n.startswith(w) for n in type_words(t))) for w in qwords}
    long_words = [w for w in qwords if len(w) >= BUCKET]
    if not long_words:
        return SearchPlan(qwords, type_hits, None, ())
    plain = [w for w in long_words if not type_hits[w]]
    driver = max(plain or long_words, key=len)
    narrowed = {doc_type} if doc_type else allowed
    return SearchPlan(qwords, type_hits, driver, tuple(sorted(type_hits[driver] & narrowed)))
