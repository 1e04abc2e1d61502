"""How a document record becomes index rows: keys, entity fields and the checks on both.

Every key is built from validated, key-safe parts, never from user text; the layout of the
four tables is described in index.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, Final

from shared.domain.companies import valid_customer_number
from shared.domain.documents import DocumentRecord
from shared.domain.lines import LINES
from shared.domain.search import code_words, index_words

_EPOCH_DAY: Final = date(9999, 12, 31)
_MAX_MS: Final = 10**13 - 1
DOC_ID: Final = re.compile(r"[a-z2-7]{32}", re.ASCII)
CURSOR: Final = re.compile(r"[0-9]{7}-[0-9]{13}-[a-z2-7]{32}", re.ASCII)
MAX_LIMIT: Final = 200
SEARCH_FIRST: Final = 60  # first read of a one-word search; later reads adapt (index_reads.Demand)
MAX_EXAMINED: Final = 5000  # a search never reads more entities than this per call
_TS: Final = "%Y-%m-%dT%H:%M:%S.%fZ"


class InvalidIndexKey(ValueError):
    """A read was asked with arguments that cannot be keys (bad customer number, line, cursor)."""


def inverted_day(day: date) -> int:
    return (_EPOCH_DAY - day).days


def sortkey(record: DocumentRecord) -> str:
    ms = int(record.published_at.timestamp() * 1000)
    return f"{inverted_day(record.doc_date):07d}-{_MAX_MS - ms:013d}-{record.doc_id}"


# In a company's `docsearch` partition, beside the word buckets: one row per document keyed by
# inverted publication time, so "published since" for one company is one range read. `~`
# sorts after every bucket (buckets are a-z/0-9 and hex), so no search range meets these rows.
RECENT: Final = "~p-"


# In the company's `docindex` partition beside each line's rows (`{LINE}-{sortkey}`): the list of
# every line, one row per document keyed by the sortkey, so a page of "all lines" (or of any
# two) is one range read instead of one per line, and a search that must read lists (a type's
# documents, short words) reads this one range. `~` sorts after the line codes.
LISTED: Final = "~l-"


def listed_key(record: DocumentRecord) -> str:
    return f"{LISTED}{sortkey(record)}"


def _inverted_ms(value: datetime) -> int:
    return _MAX_MS - int(value.timestamp() * 1000)


def recent_key(record: DocumentRecord) -> str:
    return f"{RECENT}{_inverted_ms(record.published_at):013d}-{record.doc_id}"


def recent_range(start: datetime, end: datetime) -> tuple[str, str]:
    """RowKey bounds [lo, hi) of the rows published in [start, end): newer sorts first."""
    return f"{RECENT}{_inverted_ms(end) + 1:013d}", f"{RECENT}{_inverted_ms(start) + 1:013d}"


def timestamp_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime(_TS)


def parse_timestamp(value: str) -> datetime:
    return datetime.strptime(value, _TS).replace(tzinfo=UTC)


def record_words(record: DocumentRecord) -> list[str]:
    """What a document is found by, besides its type's names (matched at query time): also its
    case number and reference without their leading letters."""
    found = index_words([record.title, record.reference, record.case_number, record.insured_person])
    return sorted(set(found) | set(code_words([record.reference, record.case_number])))


def record_fields(record: DocumentRecord) -> dict[str, Any]:
    return {
        "doc_id": record.doc_id,
        "customer_number": record.customer_number,
        "line": record.line,
        "doc_type": record.doc_type,
        "doc_date": record.doc_date.isoformat(),
        "reference": record.reference,
        "title": record.title,
        "case_number": record.case_number,
        "insured_person": record.insured_person,
        "language": record.language,
        "size": int(record.size),
        "published_at": timestamp_text(record.published_at),
        "deletes_at": timestamp_text(record.deletes_at),
        "blob_name": record.blob_name,
        "content_sha256": record.content_sha256,
        "source_name": record.source_name,
    }


# What a page of the list or of a search shows and checks: list and search reads select these
# and leave out the storage fields (blob name, hash, source name), about a quarter of
# an entity, so a read of 1,000 entities moves and decodes less. Records read this way carry ""
# for those fields; `get`/`find` (links, ZIP, withdrawal, retention) read the whole record.
PAGE_FIELDS: Final = (
    "RowKey", "words", "doc_id", "customer_number", "line", "doc_type", "doc_date", "reference", "title",
    "case_number", "insured_person", "language", "size", "published_at", "deletes_at",
)


def record_of(entity: Any) -> DocumentRecord:
    return DocumentRecord(
        doc_id=entity["doc_id"],
        customer_number=entity["customer_number"],
        line=entity["line"],
        doc_type=entity["doc_type"],
        doc_date=date.fromisoformat(entity["doc_date"]),
        reference=entity.get("reference", ""),
        title=entity.get("title", ""),
        case_number=entity.get("case_number", ""),
        insured_person=entity.get("insured_person", ""),
        language=entity.get("language", ""),
        size=int(entity.get("size", 0)),
        published_at=parse_timestamp(entity["published_at"]),
        deletes_at=parse_timestamp(entity["deletes_at"]),
        blob_name=entity.get("blob_name", ""),
        content_sha256=entity.get("content_sha256", ""),
        source_name=entity.get("source_name", ""),
    )


def check_keys(record: DocumentRecord) -> None:
    if not valid_customer_number(record.customer_number) or record.line not in LINES:
        raise InvalidIndexKey("record has an invalid customer number or line")
    if not DOC_ID.fullmatch(record.doc_id):
        raise InvalidIndexKey("record has an invalid doc_id")


def validate_read(customer_number: str, lines: Iterable[str], cursor: str | None, limit: int) -> tuple[list[str], int]:
    if not valid_customer_number(customer_number):
        raise InvalidIndexKey("invalid customer number")
    given = set(lines)
    wanted: list[str] = [line for line in LINES if line in given]
    if not wanted:
        raise InvalidIndexKey("no valid line given")
    if cursor is not None and not CURSOR.fullmatch(cursor):
        raise InvalidIndexKey("invalid cursor")
    return wanted, max(1, min(int(limit), MAX_LIMIT))
