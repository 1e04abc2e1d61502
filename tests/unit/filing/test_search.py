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
