"""Download file names: readable, per language, safe in a header and on any file system."""

from __future__ import annotations

import urllib.parse

from hypothesis import given
from hypothesis import strategies as st

from shared.domain.documents import type_name
from shared.domain.filenames import ascii_fallback, content_disposition, download_name
from shared.domain.lines import DOC_TYPES


def test_german_name_matches_the_spec_example() -> None:
    assert download_name("LAA", "benefit_statement", "2026-03-02", "R123", "de") == (
        "LAA_Leistungsabrechnung_2026-03-02_R123.pdf"
    )


def test_each_language_names_the_type_in_that_language() -> None:
    names = {
        lang: download_name("IJM", "payment_letter", "2026-01-05", "C-9", lang) for lang in ("de", "fr", "it", "en")
    }
    assert names["fr"] == "IJM_Lettre_de_paiement_2026-01-05_C-9.pdf"
    assert names["it"] == "IJM_Lettera_di_pagamento_2026-01-05_C-9.pdf"
    assert names["en"] == "IJM_Payment_letter_2026-01-05_C-9.pdf"
    assert len(set(names.values())) == 4


def test_every_type_has_four_names() -> None:
    for doc_type in DOC_TYPES:
        assert len({type_name(doc_type, lang) for lang in ("de", "fr", "it", "en")}) >= 3


def test_disposition_carries_exact_utf8_and_ascii_fallback() -> None:
    name = download_name("LAA", "benefit_statement", "2026-03-02", "R1", "fr")
    header = content_disposition(name)
    assert header.startswith("attachment; ")
    assert 'filename="LAA_Decompte_de_prestations_2026-03-02_R1.pdf"' in header
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert urllib.parse.unquote(encoded) == "LAA_Décompte_de_prestations_2026-03-02_R1.pdf"


def test_eszett_and_umlaut_in_fallback() -> None:
    assert ascii_fallback("Kostenrückerstattung_Straße.pdf") == "Kostenruckerstattung_Strasse.pdf"


@given(st.text(max_size=80), st.text(max_size=80), st.sampled_from(["de", "fr", "it", "en"]))
def test_any_input_gives_a_header_safe_name(reference: str, line: str, lang: str) -> None:
    name = download_name(line, "cover_confirmation", "2026-03-02", reference, lang)
    assert name.endswith(".pdf")
    for bad in '/\\"\r\n;:*?<>|\x00':
        assert bad not in name
    header = content_disposition(name)
    assert header.isascii()
    assert "\r" not in header and "\n" not in header
