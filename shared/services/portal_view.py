"""What the /portal page shows, as plain data: one function returns the page's context so
the template stays free of rules (which companies, which tab, what expires soon)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.documents import DocumentRecord
from shared.domain.lines import ALLOWED, canonical_line
from shared.services.documents import (
    BadCursor,
    DocumentIndex,
    InvalidInput,
    ListQuery,
    Scope,
    list_documents,
    parse_list_query,
    resolve_scope,
    scopes,
    search_words,
)
from shared.services.links import Caller, TypeName

PAGE_SIZE = 25
ALL_LINES = "all"  # the tab that lists every granted line together (the default)


@dataclass(frozen=True)
class Row:
    record: DocumentRecord
    title: str
    type_label: str
    expires_in_days: int
    expiring: bool


@dataclass
class PortalView:
    companies: list[tuple[str, str]]  # (customer number, display name)
    scope: Scope
    line: str  # a line code, or ALL_LINES
    doc_types: list[tuple[str, str]]  # (code, label) allowed in the tab's line
    filters: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    next_cursor: str | None = None
    paged: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def expiring_count(self) -> int:
        return sum(1 for r in self.rows if r.expiring)

    @property
    def all_lines(self) -> bool:
        return self.line == ALL_LINES

    @property
    def result_count(self) -> int | None:
        """How many documents match, when the page shows them all (no further page); else unknown."""
        if self.errors or self.paged or self.next_cursor:
            return None
        return len(self.rows)


def build_view(
    index: DocumentIndex,
    caller: Caller,
    params: Mapping[str, str],
    now: datetime,
    warning_days: int,
    company_name: Callable[[str], str],
    type_name: TypeName,
) -> PortalView:
    """Raises NoGrant / CompanyNotGranted (the page answers 403 / 404); input errors are shown."""
    granted = scopes(caller.grants)
    requested = params.get("company", "").strip()
    scope = resolve_scope(caller.grants, requested or (next(iter(granted)) if granted else None))
    asked_line = canonical_line(params.get("line", "").strip()) or ""
    line = asked_line if asked_line in scope.lines else ALL_LINES
    shown_lines = scope.lines if line == ALL_LINES else (line,)
    types = {t for shown in shown_lines for t in ALLOWED[shown]}
    view = PortalView(
        companies=[(c, company_name(c)) for c in granted],
        scope=scope,
        line=line,
        doc_types=sorted(((t, type_name(t, caller.language)) for t in types), key=lambda x: x[1]),
        filters={k: params.get(k, "").strip() for k in ("q", "type", "from", "to")},
        paged=bool(params.get("cursor")),
    )
    try:
        query = parse_list_query(
            {**params, "line": "" if line == ALL_LINES else line, "limit": str(PAGE_SIZE)}
        )
        words = search_words(query.q)
    except InvalidInput as exc:
        view.errors = exc.errors
        return view
    if query.doc_type and query.doc_type not in types:
        query = ListQuery(query.lines, None, query.date_from, query.date_to, query.q, query.limit, query.cursor)
        view.filters["type"] = ""
    try:
        page = list_documents(index, scope, query, words, now=now)
    except BadCursor:
        view.errors = {"cursor": "invalid"}
        return view
    today = now.date()
    for record in page.items:
        days = (record.deletes_at.date() - today).days
        view.rows.append(
            Row(
                record=record,
                title=record.title or type_name(record.doc_type, caller.language),
                type_label=type_name(record.doc_type, caller.language),
                expires_in_days=days,
                expiring=days <= warning_days,
            )
        )
    view.next_cursor = page.next_cursor
    return view
