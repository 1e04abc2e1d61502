"""`python -m cli demo seed` on a real Azurite: SPEC section 6's demo data, idempotent and the
same on every machine."""

from __future__ import annotations

import urllib.parse

from cli.commands.demo import COMPANIES, DEMO_CUSTOMER, demo_documents, seed
from shared.adapters.identity.dev_directory import dev_tenant, oid_for
from shared.context import AppContext
from shared.domain.identity import GrantStatus
from shared.domain.incoming import decode_metadata, parse_name
from shared.domain.lines import ALLOWED


def test_the_demo_documents_are_the_same_on_every_run_and_cover_every_allowed_type() -> None:
    first, second = demo_documents(), demo_documents()
    assert [(d.name, d.content, d.metadata) for d in first] == [(d.name, d.content, d.metadata) for d in second]
    assert 24 <= len(first) <= 60  # "a few dozen"
    assert len({d.name for d in first}) == len(first)
    parsed = [parse_name(d.name) for d in first]
    covered = {(p.customer_number, p.line, p.doc_type) for p in parsed}
    for customer, lines in (("100001", ("IJM", "LAA", "LAAC")), ("100002", ("LAA", "LAAC"))):
        for line in lines:
            for doc_type in ALLOWED[line]:
                assert (customer, line, doc_type) in covered
    assert not any(d.customer_number == "100003" for d in first)
    for document in first:
        assert document.content.startswith(b"%PDF-")
        meta = decode_metadata(document.metadata)
        assert meta["title"] and meta["insured_person"] and meta["language"] in {"de", "fr", "it"}
        assert urllib.parse.unquote(document.metadata["title"]) == meta["title"]


def test_seed_writes_the_companies_the_grant_and_the_documents_once(ctx: AppContext) -> None:
    """GIVEN empty storage WHEN seeded twice THEN the same companies, one active grant, and each
    document dropped into incoming once."""
    first = seed(ctx)
    assert first.companies == 3
    assert first.dropped == len(demo_documents()) and first.waiting == 0

    store = ctx.company_store
    muster, beispiel, esempio = (store.get(c.customer_number) for c in COMPANIES)
    assert muster is not None and beispiel is not None and esempio is not None
    assert muster.premium_total == 1_200_000 and muster.enrolled and muster.lines == ("IJM", "LAA", "LAAC")
    assert muster.domain_known("demo.kunde@muster-ag.ch")
    assert beispiel.premium_total == 400_000 and beispiel.enrolled and beispiel.lines == ("LAA", "LAAC")
    assert beispiel.domains == ("beispiel-gmbh.ch",)
    assert esempio.premium_total == 120_000 and not esempio.enrolled
    assert not esempio.eligible(ctx.settings.eligibility_threshold_chf)

    [grant] = ctx.grant_store.active_for(dev_tenant(ctx.settings), oid_for(DEMO_CUSTOMER))
    assert grant.customer_number == "100001" and grant.lines == ("IJM", "LAA", "LAAC")
    assert grant.status is GrantStatus.ACTIVE

    again = seed(ctx)
    assert again.dropped == 0 and again.waiting == len(demo_documents())
    assert len(ctx.grant_store.for_company("100001")) == 1
    names = sorted(b.name for b in ctx.storage.container("incoming").list_blobs())
    assert names == sorted(d.name for d in demo_documents())


def test_file_now_files_every_demo_document_through_the_filing_service(ctx: AppContext) -> None:
    """GIVEN a seed with --file-now THEN every document is indexed and incoming is empty; a second
    seed finds them all filed and drops nothing."""
    report = seed(ctx, file_now=True)
    documents = demo_documents(ctx.settings.insurer_name)
    assert report.filed_now == len(documents)
    index = ctx.document_index
    for document in documents:
        record = index.get(document.customer_number, document.doc_id)
        assert record is not None, document.name
    assert list(ctx.storage.container("incoming").list_blobs()) == []
    muster_items, _ = index.list_documents("100001", ["IJM", "LAA", "LAAC"], limit=100)
    assert len(muster_items) == sum(1 for d in documents if d.customer_number == "100001")

    again = seed(ctx)
    assert again.already_filed == len(documents) and again.dropped == 0 and again.waiting == 0
