"""Search query planning (shared/domain/search.py): which word drives the read, decided without storage."""

from __future__ import annotations

from shared.domain.lines import ALLOWED
from shared.domain.search import plan_search

LAA = ALLOWED["LAA"]


def test_the_longest_word_that_names_no_type_drives_the_read() -> None:
    plan = plan_search(["Leistungsabrechnung", "Muster", "ab"], LAA, None)
    assert plan.driver == "muster"
    assert plan.driver_types == ()


def test_a_type_name_drives_only_when_no_other_word_is_long_enough_and_reads_that_types_list() -> None:
    plan = plan_search(["Leistungsabrechnung", "ab"], LAA, None)
    assert plan.driver == "leistungsabrechnung"
    assert plan.driver_types == ("benefit_statement",)
    assert plan_search(["Leistungsabrechnung"], LAA, "waiting_letter").driver_types == ()


def test_only_short_words_read_the_list_and_every_word_must_match() -> None:
    plan = plan_search(["ab", "mu"], LAA, None)
    assert plan.driver is None and plan.words == ("ab", "mu")
    assert plan.accepts("waiting_letter", ["abc", "muster"])
    assert not plan.accepts("waiting_letter", ["abc"])
