"""Tenant isolation as a property: whatever the companies, grants and documents, nobody
lists, finds or gets a link for a document outside their own companies and lines.

The use cases run against the real index and the real signer on Azurite; only the grants
are built in memory (their store has its own tests)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.adapters.rendering.i18n import type_name
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from shared.domain.identity import Grant, GrantKind, GrantStatus, Principal
from shared.domain.lines import ALLOWED, LINES
from shared.domain.search import index_words, matches
from shared.services.documents import (
    CompanyNotGranted,
    DocumentNotFound,
    ListQuery,
    NoGrant,
    list_documents,
    resolve_scope,
)
from shared.services.links import Caller, LinkPorts, issue_link

_counter = itertools.count(1)
COMPANIES = st.lists(st.sampled_from(["200001", "200002", "200003"]), min_size=1, max_size=3, unique=True)
LINE_SETS = st.lists(st.sampled_from(LINES), min_size=1, max_size=3, unique=True)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, tuple[str, ...], GrantStatus]]]:
    documents = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["200001", "200002", "200003"]),
                st.sampled_from(LINES),
                st.sampled_from(["2026-01-05", "2026-02-10", "2025-12-31"]),
                st.sampled_from(["Müller", "Rossi", "Dupont"]),
            ),
            min_size=1,
            max_size=8,
        )
    )
    grants = [
        (
            company,
            tuple(draw(LINE_SETS)),
            draw(st.sampled_from([GrantStatus.ACTIVE, GrantStatus.ACTIVE, GrantStatus.REVOKED])),
        )
        for company in draw(COMPANIES)
    ]
    return documents, grants


def _grant(company: str, lines: tuple[str, ...], status: GrantStatus) -> Grant:
    return Grant(
        grant_id=f"{company}-{next(_counter):016x}",
        tid="t",
        oid="user-1",
        email="u@x.ch",
        customer_number=company,
        lines=lines,
        kind=GrantKind.CUSTOMER,
        status=status,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_nobody_sees_outside_their_companies_and_lines(ctx: AppContext, world: tuple) -> None:
    documents, grant_specs = world
    run = next(_counter)
    index = ctx.document_index
    # Fresh customer numbers per example, so examples never see each other's documents.
    rename = {c: f"{c}{run:04d}" for c in ("200001", "200002", "200003")}
    records = []
    for n, (company, line, day, person) in enumerate(documents):
        doc_type = sorted(ALLOWED[line])[0]
        doc_id = f"{run:06d}{n:04d}".translate(str.maketrans("0123456789", "abcdefghij")).ljust(32, "q")
        published = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(seconds=n)
        records.append(
            DocumentRecord(
                doc_id=doc_id,
                customer_number=rename[company],
                line=line,
                doc_type=doc_type,
                doc_date=date.fromisoformat(day),
                reference=f"R{n}",
                title=f"Brief {person}",
                case_number="",
                insured_person=person,
                language="de",
                size=10,
                published_at=published,
                deletes_at=published + timedelta(days=365),
                blob_name=f"{rename[company]}/{line}/2026/{doc_id}.pdf",
                content_sha256="0" * 64,
                source_name="x",
            )
        )
    index.put_many(records)
    grants = tuple(_grant(rename[c], lines, status) for c, lines, status in grant_specs)
    allowed = {(g.customer_number, line) for g in grants if g.status is GrantStatus.ACTIVE for line in g.lines}
    caller = Caller(Principal("t", "user-1", "u@x.ch", "U"), grants, "de", "127.0.0.1")
    ports = LinkPorts(
        index, ctx.link_signer, ctx.audit_log, ctx.link_log, ctx.storage.container_name("documents"), type_name
    )

    for company in rename.values():
        for words in ([], ["mu"], ["brief"]):
            try:
                scope = resolve_scope(grants, company)
            except (NoGrant, CompanyNotGranted):
                assert not any(c == company for c, _ in allowed)
                continue
            page = list_documents(index, scope, ListQuery(limit=200), words, now=ctx.clock.now())
            listed = {(r.customer_number, r.line) for r in page.items}
            assert listed <= allowed
            expected = {
                r.doc_id
                for r in records
                if (r.customer_number, r.line) in allowed
                and r.customer_number == company
                and matches(words, index_words([r.title, r.reference, r.insured_person]))
            }
            assert {r.doc_id for r in page.items} == expected

    for record in records:
        visible = (record.customer_number, record.line) in allowed
        try:
            link = issue_link(ports, caller, record.doc_id, datetime(2026, 3, 2, tzinfo=UTC), 300)
        except (DocumentNotFound, NoGrant):
            assert not visible
        else:
            assert visible
            assert f"/{record.blob_name}?" in link.url
