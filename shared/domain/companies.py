"""A company in the insurer's registry: what the advisor needs to judge eligibility."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CUSTOMER_NUMBER = re.compile(r"[0-9]{4,12}", re.ASCII)


def valid_customer_number(value: str) -> bool:
    return bool(CUSTOMER_NUMBER.fullmatch(value))


@dataclass(frozen=True)
class Company:
    customer_number: str
    name: str
    lines: tuple[str, ...]
    premium_by_line: dict[str, int] = field(default_factory=dict)
    domains: tuple[str, ...] = ()
    advisor_email: str = ""
    enrolled: bool = False

    @property
    def premium_total(self) -> int:
        return sum(self.premium_by_line.values())

    def eligible(self, threshold_chf: int) -> bool:
        """SPEC 2: premium volume over all existing contracts at least the threshold."""
        return self.premium_total >= threshold_chf

    def domain_known(self, email: str) -> bool:
        """Whether the address is on one of the company's known domains (subdomains count)."""
        host = email.rpartition("@")[2].lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)
