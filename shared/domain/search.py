"""Word normalisation for search (SPEC 5): the index and the query must fold text the same way.

Rules: Unicode NFKD, accents dropped, casefold (so `ß`→`ss`), split on anything that is
not a letter or digit. A German umlaut also yields its `ae`/`oe`/`ue` spelling, so
`Müller` is found by `muller`, `müller` and `mueller`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from shared.domain.documents import TYPE_NAMES

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


def query_words(query: str) -> list[str]:
    """The words of a search query that count: at least MIN_PREFIX characters, de-duplicated."""
    seen: list[str] = []
    for word in words(query):
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


@cache
def type_words(doc_type: str) -> tuple[str, ...]:
    """The words a document type is found by: its names in de/fr/it/en and its code."""
    return tuple(
        sorted({w for name in TYPE_NAMES[doc_type].values() for w in index_words([name])} | set(words(doc_type)))
    )


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
