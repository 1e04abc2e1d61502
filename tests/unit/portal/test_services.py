"""The portal's use cases with small in-memory ports: scope from grants, parameter rules,
ZIP packing and naming. Storage-backed behaviour is tested in tests/integration/portal."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from shared.adapters.rendering.i18n import type_name
from shared.domain.identity import Grant, GrantKind, GrantStatus, Principal
from shared.services import bulk_download
from shared.services.documents import (
    CompanyNotGranted,
    InvalidInput,
    NoGrant,
    parse_list_query,
    resolve_scope,
    scopes,
)
from shared.services.links import Caller
from shared.services.withdrawal import parse_request


def grant(company: str, lines: tuple[str, ...], status: GrantStatus = GrantStatus.ACTIVE) -> Grant:
    return Grant(
        grant_id=f"{company}-0000000000000001",
        tid="t",
        oid="o",
        email="a@b.ch",
        customer_number=company,
        lines=lines,
        kind=GrantKind.CUSTOMER,
        status=status,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_scope_uses_only_active_grants_and_merges_lines() -> None:
    grants = [
        grant("100001", ("LAA",)),
        grant("100001", ("IJM", "LAA")),
        grant("100002", ("LAAC",), GrantStatus.REVOKED),
        grant("100003", ("IJM",), GrantStatus.INVITED),
    ]
    assert scopes(grants) == {"100001": ("IJM", "LAA")}
    assert resolve_scope(grants, None).lines == ("IJM", "LAA")
    with pytest.raises(CompanyNotGranted):
        resolve_scope(grants, "100002")
    with pytest.raises(NoGrant):
        resolve_scope([grant("100002", ("LAAC",), GrantStatus.REVOKED)], None)


def test_several_companies_need_a_choice() -> None:
    grants = [grant("100001", ("LAA",)), grant("100002", ("IJM",))]
    with pytest.raises(InvalidInput) as info:
        resolve_scope(grants, None)
    assert info.value.errors == {"company": "required"}
    assert resolve_scope(grants, "100002").lines == ("IJM",)


def test_query_parameters() -> None:
    query = parse_list_query(
        {
            "line": "uvg-z",
            "type": "benefit_statement",
            "from": "2026-01-01",
            "to": "2026-01-31",
            "limit": "10",
            "q": " müller ",
            "cursor": "abc",
        }
    )
    assert query.lines == ("LAAC",)
    assert (query.date_from, query.date_to) == (date(2026, 1, 1), date(2026, 1, 31))
    assert (query.limit, query.q, query.cursor) == (10, "müller", "abc")
    assert parse_list_query({}).limit == 50


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"limit": "201"}, {"limit": "out_of_range"}),
        ({"limit": "٣"}, {"limit": "out_of_range"}),  # not ASCII digits
        ({"from": "2026-02-30"}, {"from": "invalid_date"}),
        ({"to": "20260101"}, {"to": "invalid_date"}),
        ({"from": "2026-02-01", "to": "2026-01-01"}, {"to": "before_from"}),
        ({"q": "x" * 201}, {"q": "too_long"}),
        ({"line": "KTG/../x", "type": "letter"}, {"line": "unknown_line", "type": "unknown_doc_type"}),
    ],
)
def test_query_errors_are_collected(params: dict[str, str], errors: dict[str, str]) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_list_query(params)
    assert info.value.errors == errors


def test_withdrawal_request_rules() -> None:
    assert parse_request({"reason": "  wrong company "}).reason == "wrong company"
    for body, errors in (
        ({}, {"reason": "required"}),
        ({"reason": "x" * 501}, {"reason": "too_long"}),
        ({"reason": "ok", "customer_number": "12/3"}, {"customer_number": "invalid"}),
    ):
        with pytest.raises(InvalidInput) as info:
            parse_request(body)
        assert info.value.errors == errors


@dataclass
class Doc:
    doc_id: str
    customer_number: str
    line: str
    doc_type: str
    doc_date: date
    reference: str
    size: int
    blob_name: str


def test_zip_streams_in_pieces_and_names_duplicates() -> None:
    """GIVEN two documents that would get the same name WHEN zipped THEN both are there, the
    second named `(2)`, and the archive came out in several pieces (streamed, not built whole)."""
    docs = [
        Doc("a" * 32, "100001", "LAA", "benefit_statement", date(2026, 3, 2), "R1", 300_000, "one"),
        Doc("b" * 32, "100001", "LAA", "benefit_statement", date(2026, 3, 2), "R1", 5, "two"),
    ]
    contents = {"one": [bytes([i % 251]) * 1000 for i in range(300)], "two": [b"%PDF-"]}
    ports = bulk_download.ZipPorts(
        index=None,  # type: ignore[arg-type]
        audit=None,  # type: ignore[arg-type]
        links=None,  # type: ignore[arg-type]
        read_blob=lambda name: iter(contents[name]),
        type_name=type_name,
    )
    pieces = list(bulk_download.stream_zip(ports, docs, "de", datetime(2026, 3, 2, 9, tzinfo=UTC)))
    assert len([p for p in pieces if p]) > 3
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.namelist() == [
        "UVG_Leistungsabrechnung_2026-03-02_R1.pdf",
        "UVG_Leistungsabrechnung_2026-03-02_R1 (2).pdf",
    ]
    assert archive.read(archive.namelist()[0]) == b"".join(contents["one"])
    assert archive.read(archive.namelist()[1]) == b"%PDF-"


def test_zip_ids_are_checked_before_anything_is_read() -> None:
    limits = bulk_download.ZipLimits(max_documents=2, max_bytes=10)
    assert bulk_download.parse_ids(["a", "b", "a"], limits) == ["a", "b"]
    with pytest.raises(bulk_download.TooManyDocuments):
        bulk_download.parse_ids(["a", "b", "c"], limits)
    for bad in (None, [], "abc", [1, 2]):
        with pytest.raises(InvalidInput):
            bulk_download.parse_ids(bad, limits)


def test_caller_is_plain_data() -> None:
    caller = Caller(Principal("t", "o", "a@b.ch", "A"), (grant("100001", ("LAA",)),), "fr", "203.0.113.1")
    assert caller.principal.actor == "t/o"
