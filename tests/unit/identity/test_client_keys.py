"""The client address and the keys limits count on: ports stripped, IPv6 by /64; and which
anonymous refusals are written to the audit log."""

from __future__ import annotations

import pytest

from shared.domain.rate_limit import count_is_logged, network_key
from web.http import bare_address


@pytest.mark.parametrize(
    ("raw", "bare"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("203.0.113.9:51234", "203.0.113.9"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:DB8:0::1]", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("unknown", "unknown"),
    ],
)
def test_bare_address(raw: str, bare: str) -> None:
    assert bare_address(raw) == bare


def test_ipv6_counts_by_64_and_ipv4_by_address() -> None:
    assert network_key("2001:db8:1:2::1") == network_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert network_key("2001:db8:1:3::1") != network_key("2001:db8:1:2::1")
    assert network_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert network_key("203.0.113.9") != network_key("203.0.113.10")


def test_refusals_logged_one_by_one_then_at_powers_of_ten() -> None:
    logged = [n for n in range(1, 100_001) if count_is_logged(n, 10)]
    assert logged == [*range(1, 11), 100, 1000, 10_000, 100_000]
    assert not count_is_logged(0, 10)  # not counted (contention): not written
