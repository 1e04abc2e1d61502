"""Listing and searching a company's documents for a customer: the scope comes from the
caller's active grants on the server, never from the request alone.

A person may hold grants for several companies (a broker); `company` picks one of them
and may be left out when there is only one. A company without a grant is answered like
a company that does not exist, so the API reveals nothing about other customers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from shared.domain.documents import DocumentRecord
from shared.domain.identity import Grant, GrantStatus
from shared.domain.lines import DOC_TYPES, LINES, canonical_line
from shared.domain.retention import is_due
from shared.domain.search import query_dates, query_words
from shared.domain.timestamps import utc_iso

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_QUERY_CHARS = 200
MAX_CURSOR_CHARS = 2048
# Lowercase base32 of 20 bytes (SPEC 4); checked before an id reaches a Table key.
DOC_ID = re.compile(r"[a-z2-7]{32}", re.ASCII)


class PortalError(Exception):
    """Base of every way a customer request can fail."""


class NoGrant(PortalError):
    """Signed in, but no active grant for any company (403)."""


class CompanyNotGranted(PortalError):
    """The company asked for is not one of the caller's (404, like a missing one)."""


class DocumentNotFound(PortalError):
    """No such document among the caller's companies and lines (404 either way)."""


class InvalidInput(PortalError):
    """A parameter breaks a rule; `errors` maps each field to a code (422)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class BadCursor(PortalError):
    """The paging cursor was not one this API handed out (400)."""


class DocumentIndex(Protocol):
    """What the portal reads from the index (shared/adapters/storage/index.py): the domain's
    DocumentRecord, newest first, with the cursor of the next page. `list_documents` and
    `search` raise a ValueError (InvalidIndexKey) for a customer number, line or cursor that
    cannot be a key; `get` answers None for a malformed or unknown id. A listed or found record
    carries what a page shows: its storage fields (blob name, hash and source name) are
    empty there, and `get` gives the whole record to whatever reads the document itself."""

    def get(self, customer_number: str, doc_id: str) -> DocumentRecord | None: ...

    def list_documents(
        self,
        customer_number: str,
        lines: Sequence[str],
        doc_type: str | None,
        date_from: date | None,
        date_to: date | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[DocumentRecord], str | None]: ...

    def search(
        self,
        customer_number: str,
        lines: Sequence[str],
        query_words: Sequence[str],
        doc_type: str | None,
        date_from: date | None,
        date_to: date | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[DocumentRecord], str | None]: ...


@dataclass(frozen=True)
class Scope:
    """One company and the lines the caller may see in it."""

    customer_number: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ListQuery:
    lines: tuple[str, ...] | None = None  # None: every line in scope
    doc_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[DocumentRecord]
    next_cursor: str | None


def scopes(grants: Iterable[Grant]) -> dict[str, tuple[str, ...]]:
    """Companies → lines from the ACTIVE grants; two grants for one company add up."""
    found: dict[str, set[str]] = {}
    for grant in grants:
        if grant.status is not GrantStatus.ACTIVE:
            continue
        found.setdefault(grant.customer_number, set()).update(grant.lines)
    return {
        company: tuple(line for line in LINES if line in lines)
        for company, lines in sorted(found.items())
        if any(line in LINES for line in lines)
    }


def resolve_scope(grants: Iterable[Grant], company: str | None) -> Scope:
    granted = scopes(grants)
    if not granted:
        raise NoGrant("no active grant")
    if not company:
        if len(granted) > 1:
            raise InvalidInput({"company": "required"})
        company = next(iter(granted))
    lines = granted.get(company)
    if lines is None:
        raise CompanyNotGranted(company)
    return Scope(company, lines)


def _date(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    iso = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value, re.ASCII)
    # The page's date fields take the Swiss way of writing a date (GLOSSARY), whatever the language.
    swiss = re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", value, re.ASCII)
    parts = (iso.group(1), iso.group(2), iso.group(3)) if iso else (
        (swiss.group(3), swiss.group(2), swiss.group(1)) if swiss else None
    )
    if parts:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    errors[field] = "invalid_date"
    return None


def parse_list_query(params: Mapping[str, str]) -> ListQuery:
    """Read `line`, `type`, `from`, `to`, `q`, `limit`, `cursor`; collect every error at once."""
    errors: dict[str, str] = {}
    lines: tuple[str, ...] | None = None
    raw_line = params.get("line", "").strip()
    if raw_line:
        line = canonical_line(raw_line)
        if line is None:
            errors["line"] = "unknown_line"
        else:
            lines = (line,)
    doc_type = params.get("type", "").strip() or None
    if doc_type is not None and doc_type not in DOC_TYPES:
        errors["type"] = "unknown_doc_type"
    date_from = _date(params.get("from", "").strip(), "from", errors)
    date_to = _date(params.get("to", "").strip(), "to", errors)
    if date_from and date_to and date_from > date_to:
        errors["to"] = "before_from"
    q = params.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        errors["q"] = "too_long"
    limit = DEFAULT_LIMIT
    raw_limit = params.get("limit", "").strip()
    if raw_limit:
        if raw_limit.isascii() and raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_LIMIT:
            limit = int(raw_limit)
        else:
            errors["limit"] = "out_of_range"
    cursor = params.get("cursor", "").strip() or None
    if cursor is not None and len(cursor) > MAX_CURSOR_CHARS:
        errors["cursor"] = "invalid"
    if errors:
        raise InvalidInput(errors)
    return ListQuery(lines, doc_type, date_from, date_to, q, limit, cursor)


def search_words(q: str) -> list[str]:
    """The words a query searches for (dates typed in it filter instead: see list_documents);
    a query with neither is refused rather than silently listing everything."""
    words = query_words(q) if q else []
    if q and not words and query_dates(q) is None:
        raise InvalidInput({"q": "too_short"})
    return words


def date_window(query: ListQuery) -> tuple[date | None, date | None]:
    """The `from`/`to` filters narrowed by the dates typed into `q` (`19.02.2026`, `02.2026`)."""
    typed = query_dates(query.q)
    if typed is None:
        return query.date_from, query.date_to
    start = max(typed[0], query.date_from) if query.date_from else typed[0]
    end = min(typed[1], query.date_to) if query.date_to else typed[1]
    return start, end


def list_documents(
    index: DocumentIndex, scope: Scope, query: ListQuery, words: Sequence[str] = (), *, now: datetime
) -> Page:
    """One page of the scope's documents, newest `doc_date` first (the index keeps the order).

    `words` are the normalised search words (search_words); empty means list.
    A document past `deletes_at` is left out even before the sweep removed it (SPEC 2), so a
    page may hold fewer items than asked for; the cursor still continues after it.
    """
    lines = scope.lines if query.lines is None else tuple(x for x in query.lines if x in scope.lines)
    if not lines:
        return Page([], None)  # a line asked for but not granted: nothing, never "all lines"
    date_from, date_to = date_window(query)
    if date_from and date_to and date_from > date_to:
        return Page([], None)  # a typed date outside the from/to filters
    try:
        if words:
            items, cursor = index.search(
                scope.customer_number, lines, list(words), query.doc_type,
                date_from, date_to, query.limit, query.cursor,
            )
        else:
            items, cursor = index.list_documents(
                scope.customer_number, lines, query.doc_type,
                date_from, date_to, query.limit, query.cursor,
            )
    except ValueError as exc:  # the index refuses a cursor it did not issue
        raise BadCursor(str(exc)) from exc
    # Defence in depth: whatever the index returns, only the scope's documents leave here.
    visible = [
        r for r in items
        if r.customer_number == scope.customer_number and r.line in lines and not is_due(r.deletes_at, now)
    ]
    return Page(visible, cursor)


def item_json(record: DocumentRecord) -> dict[str, Any]:
    """The API's view of a document: no blob name, no hash, no source name."""
    return {
        "id": record.doc_id,
        "line": record.line,
        "doc_type": record.doc_type,
        "title": record.title,
        "doc_date": record.doc_date.isoformat(),
        "published_at": utc_iso(record.published_at),
        "deletes_at": utc_iso(record.deletes_at),
        "size": record.size,
        "reference": record.reference,
        "case_number": record.case_number,
        "insured_person": record.insured_person,
    }


class DocumentLookup(Protocol):
    """What finding one document needs of the index: `get` by company and id."""

    def get(self, customer_number: str, doc_id: str) -> DocumentRecord | None: ...


def find_visible(
    index: DocumentLookup, grants: Iterable[Grant], doc_id: str, company: str | None = None, *, now: datetime
) -> DocumentRecord:
    """The document if one of the caller's companies holds it in a granted line, else raise.

    The same DocumentNotFound for a missing, a foreign and an expired document (SPEC 2, 5).
    """
    granted = scopes(grants)
    if not granted:
        raise NoGrant("no active grant")
    if not DOC_ID.fullmatch(doc_id):
        raise DocumentNotFound("malformed id")
    candidates = [company] if company else list(granted)
    for customer_number in candidates:
        lines = granted.get(customer_number)
        if not lines:
            continue
        record = index.get(customer_number, doc_id)
        if record is not None and record.customer_number == customer_number and record.line in lines:
            if is_due(record.deletes_at, now):
                break  # past its deletion time: gone for the customer, whether swept or not
            return record
    raise DocumentNotFound(doc_id)
