"""Download file names: readable, per language, safe in a header and on any file system."""

from __future__ import annotations

import urllib.parse
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.rendering.i18n import type_name
from shared.domain.filenames import ascii_fallback, content_disposition, download_name
from shared.domain.lines import DOC_TYPES, local_code
from shared.services.links import file_name


class _Record:
    line = "IJM"
    doc_type = "payment_letter"
    doc_date = date(2026, 1, 5)
    reference = "C-9"


def test_german_name_uses_the_german_code_and_type_name() -> None:
    assert download_name(local_code("LAA", "de"), type_name("benefit_statement", "de"), "2026-03-02", "R123") == (
        "UVG_Leistungsabrechnung_2026-03-02_R123.pdf"
    )


def test_each_language_names_line_and_type_by_the_glossary() -> None:
    names = {lang: file_name(_Record(), lang, type_name) for lang in ("de", "fr", "it", "en")}
    assert names == {
        "de": "KTG_Zahlungsanzeige_2026-01-05_C-9.pdf",
        "fr": "IJM_Avis_de_paiement_2026-01-05_C-9.pdf",
        "it": "IGM_Avviso_di_pagamento_2026-01-05_C-9.pdf",
        "en": "IJM_Payment_advice_2026-01-05_C-9.pdf",
    }


def test_every_type_has_four_names() -> None:
    for doc_type in DOC_TYPES:
        assert len({type_name(doc_type, lang) for lang in ("de", "fr", "it", "en")}) >= 3


def test_disposition_carries_exact_utf8_and_ascii_fallback() -> None:
    name = download_name("LAA", type_name("benefit_statement", "fr"), "2026-03-02", "R1")
    header = content_disposition(name)
    assert header.startswith("attachment; ")
    assert 'filename="LAA_Decompte_de_prestations_2026-03-02_R1.pdf"' in header
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert urllib.parse.unquote(encoded) == "LAA_Décompte_de_prestations_2026-03-02_R1.pdf"


def test_eszett_and_umlaut_in_fallback() -> None:
    assert ascii_fallback("Kostenrückerstattung_Straße.pdf") == "Kostenruckerstattung_Strasse.pdf"


@given(st.text(max_size=80), st.text(max_size=80), st.sampled_from(["de", "fr", "it", "en"]))
def test_any_input_gives_a_header_safe_name(reference: str, line: str, lang: str) -> None:
    name = download_name(line, type_name("cover_confirmation", lang), "2026-03-02", reference)
    assert name.endswith(".pdf")
    for bad in '/\\"\r\n;:*?<>|\x00':
        assert bad not in name
    header = content_disposition(name)
    assert header.isascii()
    assert "\r" not in header and "\n" not in header
