"""Search word normalisation (SPEC 5): the same folding for the index and the query."""

from __future__ import annotations

from shared.domain.search import bucket, buckets, index_words, matches, query_words, words


def test_words_fold_accents_case_and_sharp_s_and_split_on_punctuation() -> None:
    assert words("Décompte de PRESTATIONS, C-2026/001") == ["decompte", "de", "prestations", "c", "2026", "001"]
    assert words("Straße") == ["strasse"]


def test_umlauts_also_index_their_ae_oe_ue_spelling() -> None:
    found = index_words(["Jürg Müller-Größ"])
    assert {"jurg", "juerg", "muller", "mueller", "gross", "groess"} <= set(found)


def test_query_words_drop_one_letter_words_and_duplicates() -> None:
    assert query_words("a Mü mü x 12") == ["mu", "12"]


def test_and_of_prefixes() -> None:
    index = index_words(["Anna Müller", "C-2026-0042"])
    assert matches(["mue", "ann"], index)
    assert matches(["2026"], index)
    assert not matches(["mue", "bert"], index)


def test_buckets_are_key_safe_and_only_for_long_words() -> None:
    assert bucket("muller") == "mull"
    assert bucket("\u03c9\u03bc\u03b5\u03b3\u03b1").startswith("x")
    assert bucket("\u03c9\u03bc\u03b5\u03b3\u03b1")[1:].isalnum()
    assert buckets(["ab", "abc", "abcd", "abcde", "x"]) == ["abcd"]


def test_type_synonyms_find_cover_confirmation_in_every_language() -> None:
    from shared.domain.search import matches, type_words

    for typed in ("Bestätigung", "Deckungsbestätigung", "bestaetigung", "Gutsprache", "prise en charge", "garanzia"):
        assert matches(query_words(typed), type_words("cover_confirmation")), typed
    assert not matches(query_words("Bestätigung"), type_words("benefit_statement"))


def test_case_numbers_are_found_without_their_leading_letters() -> None:
    from shared.domain.search import code_words

    assert code_words(["S1234567", "UV-2026-77", "R123", "ABCD12"]) == ["123", "1234567"]


def test_dates_typed_the_swiss_way_become_a_window_not_words() -> None:
    from datetime import date

    from shared.domain.search import query_dates

    assert query_dates("19.02.2026") == (date(2026, 2, 19), date(2026, 2, 19))
    assert query_dates("Taggeld 02.2026") == (date(2026, 2, 1), date(2026, 2, 28))
    assert query_dates("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert query_dates("19.2.2026 02.2026") == (date(2026, 2, 19), date(2026, 2, 19))
    assert query_dates("31.02.2026") is None and query_dates("R-2026") is None
    assert query_words("Taggeld 19.02.2026") == ["taggeld"]
    assert query_words("31.02.2026") == ["31", "02", "2026"]  # not a date: searched as words
