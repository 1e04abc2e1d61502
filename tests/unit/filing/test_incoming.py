"""The incoming name contract, doc_id and metadata decoding (SPEC 4) — pure functions, no I/O."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import pytest

from shared.domain.incoming import (
    IncomingName,
    decode_metadata,
    doc_id,
    document_blob_name,
    parse_name,
)
from shared.domain.refusals import Reason, Refused

GOOD = "100001/LAA/benefit_statement/2026-01-15_C-2026-0042.pdf"


def test_a_good_name_is_parsed_with_the_canonical_line() -> None:
    assert parse_name(GOOD) == IncomingName("100001", "LAA", "benefit_statement", date(2026, 1, 15), "C-2026-0042")


@pytest.mark.parametrize(
    ("alias", "line"),
    [("KTG", "IJM"), ("igm", "IJM"), ("UVG", "LAA"), ("lainf", "LAA"), ("UVG-Z", "LAAC"), ("uvgz", "LAAC"),
     ("LAAC-Z", "LAAC"), ("Lainf-C", "LAAC")],
)
def test_aliases_map_to_the_canonical_line(alias: str, line: str) -> None:
    parsed = parse_name(f"100001/{alias}/benefit_statement/2026-01-15_R1.pdf")
    assert parsed.line == line


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("100001/LAA/benefit_statement/2026-01-15_R1.pdf\n", Reason.BAD_NAME),  # trailing newline
        ("100001/LAA/benefit_statement/2026-01-15_R#1.pdf", Reason.BAD_NAME),
        ("100001/LAA/benefit_statement/2026-01-15_R?1.pdf", Reason.BAD_NAME),
        ("100001/LAA/../benefit_statement/2026-01-15_R1.pdf", Reason.BAD_NAME),
        ("100001/LAA/benefit_statement/2026-01-15_..pdf", Reason.BAD_NAME),
        ("100001/LAA/benefit_statement/extra/2026-01-15_R1.pdf", Reason.BAD_NAME),  # one "/" too many
        ("100001\\LAA\\benefit_statement\\2026-01-15_R1.pdf", Reason.BAD_NAME),
        ("\uff11\uff10\uff10\uff1001/LAA/benefit_statement/2026-01-15_R1.pdf", Reason.BAD_NAME),  # full-width digits
        ("100001/LAA/benefit_statement/\uff12\uff10\uff126-01-15_R1.pdf", Reason.BAD_NAME),
        ("10000\u0661/LAA/benefit_statement/2026-01-15_R1.pdf", Reason.BAD_NAME),  # Arabic-Indic digit
        ("123/LAA/benefit_statement/2026-01-15_R1.pdf", Reason.BAD_NAME),  # 3 digits
        ("1234567890123/LAA/benefit_statement/2026-01-15_R1.pdf", Reason.BAD_NAME),  # 13 digits
        ("100001/LAA/benefit_statement/2026-01-15_R1.PDF", Reason.BAD_NAME),
        ("100001/LAA/benefit_statement/2026-01-15_" + "R" * 65 + ".pdf", Reason.BAD_NAME),
        ("100001/LAA/benefit_statement/2026-01-15_.pdf", Reason.BAD_NAME),
        ("100001/XYZ/benefit_statement/2026-01-15_R1.pdf", Reason.UNKNOWN_LINE),
        ("100001/LAA/love_letter/2026-01-15_R1.pdf", Reason.UNKNOWN_DOC_TYPE),
        ("100001/IJM/waiting_letter/2026-01-15_R1.pdf", Reason.TYPE_NOT_ALLOWED),
        ("100001/LAAC/payment_letter/2026-01-15_R1.pdf", Reason.TYPE_NOT_ALLOWED),
        ("100001/LAA/benefit_statement/2026-02-30_R1.pdf", Reason.BAD_DATE),
        ("100001/LAA/benefit_statement/2026-1-5_R1.pdf", Reason.BAD_DATE),
        ("100001/LAA/benefit_statement/15.01.2026_R1.pdf", Reason.BAD_DATE),
    ],
)
def test_names_outside_the_contract_are_refused_with_their_reason(name: str, reason: Reason) -> None:
    with pytest.raises(Refused) as caught:
        parse_name(name)
    assert caught.value.reason is reason
    assert caught.value.detail


def test_doc_id_follows_the_spec_formula_with_the_canonical_line() -> None:
    content_hash = hashlib.sha256(b"%PDF-1.4 x").hexdigest()
    identity = f"100001|LAAC|benefit_statement|2026-01-15|R1|{content_hash}".encode()
    expected = base64.b32encode(hashlib.sha256(identity).digest()[:20]).decode().rstrip("=").lower()
    via_alias = parse_name("100001/UVG-Z/benefit_statement/2026-01-15_R1.pdf")
    assert doc_id(via_alias, content_hash) == expected
    assert len(expected) == 32 and expected.isalnum() and expected == expected.lower()
    other = doc_id(via_alias, hashlib.sha256(b"other").hexdigest())
    assert other != expected  # same name, other content: a second document


def test_document_blob_name_files_by_company_line_and_year() -> None:
    parsed = parse_name("100001/ktg/payment_letter/2025-12-31_R1.pdf")
    assert document_blob_name(parsed, "abc") == "100001/IJM/2025/abc.pdf"


def test_metadata_is_percent_decoded_utf8_and_cleaned() -> None:
    decoded = decode_metadata({
        "Title": "Leistungsabrechnung%20M%C3%A4rz%202026",
        "insured_person": "J%C3%BCrg%20M%C3%BCller",
        "case_number": "S-12%0A34",  # a control character is not kept
        "language": "FR",
        "other": "ignored",
    })
    assert decoded == {
        "title": "Leistungsabrechnung März 2026",
        "insured_person": "Jürg Müller",
        "case_number": "S-12 34",
        "language": "fr",
    }


def test_metadata_with_broken_utf8_or_unknown_language_loses_nothing_else() -> None:
    decoded = decode_metadata({"title": "Caf%C3", "language": "xx", "insured_person": "A" * 500})
    assert decoded["title"] == "Caf\ufffd"
    assert "language" not in decoded
    assert len(decoded["insured_person"]) == 120
