"""One row of the company CSV → a Company, or the reason it is refused (ops import, issue 3).

Columns: customer_number, name, lines (e.g. `IJM;LAA`, aliases accepted), premium_ijm,
premium_laa, premium_laac (CHF, whole francs; `1'200'000` accepted), domains
(`a.ch;b.ch`), advisor_email, enrolled (yes/no/true/false/1/0/ja/nein/oui/non/si).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from shared.domain.companies import Company, valid_customer_number
from shared.domain.lines import LINES, parse_lines

REQUIRED_COLUMNS: Final = ("customer_number", "name", "lines")
PREMIUM_COLUMNS: Final = {line: f"premium_{line.lower()}" for line in LINES}
_DOMAIN: Final = re.compile(r"(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.ASCII)
_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]{1,64}@([a-z0-9-]+\.)+[a-z]{2,63}", re.ASCII)
_AMOUNT: Final = re.compile(r"[0-9]{1,3}(?:['\u2019_ ]?[0-9]{3})*(?:\.00?)?|[0-9]+(?:\.00?)?", re.ASCII)
_TRUE: Final = {"1", "true", "yes", "y", "ja", "oui", "si", "sì", "x"}
_FALSE: Final = {"0", "false", "no", "n", "nein", "non", ""}
MAX_NAME: Final = 200


@dataclass(frozen=True)
class RowRefused:
    row: int
    reason: str
    detail: str


def missing_columns(header: list[str]) -> list[str]:
    present = {h.strip().lower() for h in header}
    return [c for c in REQUIRED_COLUMNS if c not in present]


def parse_row(number: int, raw: Mapping[str, str | None]) -> Company | RowRefused:
    """Validate one CSV row (`number` counts data rows from 1, for the report)."""
    row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}

    def refused(reason: str, detail: str) -> RowRefused:
        return RowRefused(number, reason, detail)

    customer = row.get("customer_number", "")
    if not valid_customer_number(customer):
        return refused("invalid_customer_number", "the customer number must be 4 to 12 ASCII digits")
    name = " ".join(row.get("name", "").split())
    if not name:
        return refused("missing_name", "the company name is empty")
    if len(name) > MAX_NAME:
        return refused("name_too_long", f"the company name is longer than {MAX_NAME} characters")
    lines = parse_lines(row.get("lines", ""))
    if lines is None:
        return refused("unknown_line", f"unknown insurance line in {row.get('lines', '')!r}")
    if not lines:
        return refused("no_lines", "no insurance line on contract")
    premiums: dict[str, int] = {}
    for line, column in PREMIUM_COLUMNS.items():
        text = row.get(column, "")
        if not text:
            continue
        if not _AMOUNT.fullmatch(text):
            return refused("invalid_premium", f"{column} is not an amount in whole francs: {text!r}")
        amount = int(re.sub(r"[^0-9.]", "", text).split(".")[0])
        if amount and line not in lines:
            return refused("premium_without_contract", f"{column} is set but {line} is not on contract")
        if line in lines:
            premiums[line] = amount
    domains = tuple(d.strip().lower().rstrip(".") for d in re.split(r"[;,\s]+", row.get("domains", "")) if d.strip())
    bad = [d for d in domains if not _DOMAIN.fullmatch(d)]
    if bad:
        return refused("invalid_domain", f"not a domain name: {bad[0]!r}")
    advisor = row.get("advisor_email", "")
    if advisor and not _EMAIL.fullmatch(advisor.lower()):
        return refused("invalid_advisor_email", "the advisor e-mail is not an address")
    enrolled_text = row.get("enrolled", "").lower()
    if enrolled_text not in _TRUE | _FALSE:
        return refused("invalid_enrolled", f"enrolled must be yes or no, not {enrolled_text!r}")
    return Company(
        customer_number=customer,
        name=name,
        lines=tuple(lines),
        premium_by_line=premiums,
        domains=tuple(dict.fromkeys(domains)),
        advisor_email=advisor.lower(),
        enrolled=enrolled_text in _TRUE,
    )
