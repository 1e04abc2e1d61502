"""Company CSV rows: each refusal has its own reason; good rows become Company values."""

from __future__ import annotations

import pytest

from shared.domain.companies import Company
from shared.domain.company_import import RowRefused, missing_columns, parse_row

GOOD = {"customer_number": "100001", "name": " Muster  AG ", "lines": "KTG; UVG", "premium_ijm": "1'200'000",
        "premium_laa": "400000.00", "domains": "Muster-AG.ch; muster.ch", "advisor_email": "Berater@Versicherer.ch",
        "enrolled": "Ja"}


def test_a_good_row() -> None:
    company = parse_row(1, GOOD)
    assert company == Company("100001", "Muster AG", ("IJM", "LAA"), {"IJM": 1_200_000, "LAA": 400_000},
                              ("muster-ag.ch", "muster.ch"), "berater@versicherer.ch", True)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"customer_number": "\uff11\uff10\uff10\uff10\uff10\uff11"}, "invalid_customer_number"),
        ({"customer_number": "100001\n"}, None),  # surrounding whitespace is trimmed, then valid
        ({"name": "  "}, "missing_name"),
        ({"name": "x" * 201}, "name_too_long"),
        ({"lines": "IJM;XYZ"}, "unknown_line"),
        ({"lines": ""}, "no_lines"),
        ({"premium_ijm": "-5"}, "invalid_premium"),
        ({"premium_laac": "1000"}, "premium_without_contract"),
        ({"domains": "muster_ag.ch"}, "invalid_domain"),
        ({"advisor_email": "nobody"}, "invalid_advisor_email"),
        ({"enrolled": "perhaps"}, "invalid_enrolled"),
    ],
)
def test_each_bad_field_has_its_reason(change: dict[str, str], reason: str | None) -> None:
    result = parse_row(7, {**GOOD, **change})
    if reason is None:
        assert isinstance(result, Company)
    else:
        assert isinstance(result, RowRefused) and result.reason == reason and result.row == 7 and result.detail


def test_missing_columns() -> None:
    assert missing_columns(["Customer_Number", "name"]) == ["lines"]
