"""The checks a document passes before it is filed, as one ordered list (SPEC 4).

Each check is a small named function over the same `Candidate`; every refusal goes
through `refuse`, so the reason codes and their logging live in one place. The order
is the contract's: cheap checks on the name and size first, then the company, and the
content last — a refused name or an oversized blob is never downloaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, NoReturn

from shared.domain.companies import Company
from shared.domain.incoming import IncomingName, parse_name
from shared.domain.refusals import Reason, Refused

log = logging.getLogger(__name__)
PDF_MAGIC: Final = b"%PDF-"


@dataclass
class Candidate:
    """One incoming blob on its way through the checks; the checks fill in what they learn."""

    name: str
    size: int
    max_bytes: int
    read: Callable[[], bytes]
    find_company: Callable[[str], Company | None]
    pdf_readable: Callable[[bytes], bool]
    parsed: IncomingName | None = None
    company: Company | None = None
    content: bytes | None = field(default=None, repr=False)


def refuse(candidate: Candidate, reason: Reason, detail: str) -> NoReturn:
    """The one way a check refuses: log the code (never the name's personal parts) and raise."""
    log.info("filing refused: reason=%s size=%d", reason.value, candidate.size)
    raise Refused(reason, detail)


def check_name(candidate: Candidate) -> None:
    try:
        candidate.parsed = parse_name(candidate.name)
    except Refused as refusal:
        refuse(candidate, refusal.reason, refusal.detail)


def check_not_empty(candidate: Candidate) -> None:
    if candidate.size <= 0:
        refuse(candidate, Reason.EMPTY, "the blob is empty")


def check_size(candidate: Candidate) -> None:
    if candidate.size > candidate.max_bytes:
        refuse(candidate, Reason.TOO_LARGE, f"{candidate.size} bytes is over the limit of {candidate.max_bytes}")


def check_customer_known(candidate: Candidate) -> None:
    assert candidate.parsed is not None  # check_name ran first
    candidate.company = candidate.find_company(candidate.parsed.customer_number)
    if candidate.company is None:
        number = candidate.parsed.customer_number
        refuse(candidate, Reason.UNKNOWN_CUSTOMER, f"customer {number} is not in the registry")


def check_enrolled(candidate: Candidate) -> None:
    assert candidate.company is not None
    if not candidate.company.enrolled:
        refuse(candidate, Reason.NOT_ENROLLED, f"customer {candidate.company.customer_number} is not enrolled")


def check_pdf(candidate: Candidate) -> None:
    content = candidate.read()
    candidate.content = content
    if not content:
        refuse(candidate, Reason.EMPTY, "the blob is empty")
    if len(content) > candidate.max_bytes:  # the blob grew since its size was read
        refuse(candidate, Reason.TOO_LARGE, f"{len(content)} bytes is over the limit of {candidate.max_bytes}")
    if not content.startswith(PDF_MAGIC):
        refuse(candidate, Reason.NOT_PDF, "the content does not start with %PDF-")
    if not candidate.pdf_readable(content):
        refuse(candidate, Reason.NOT_PDF, "the content is not a readable PDF")



# The order matters: check_name fills `parsed` for the company checks; check_pdf reads the
# content, so it comes last.
CHECKS: Final[tuple[Callable[[Candidate], None], ...]] = (
    check_name,
    check_not_empty,
    check_size,
    check_customer_known,
    check_enrolled,
    check_pdf,
)


def run_checks(candidate: Candidate) -> Candidate:
    """Run every check in order; raises Refused at the first failing one."""
    for check in CHECKS:
        check(candidate)
    return candidate
