"""The ordered checks (paperless-ngx style): order, and that the content is read only when needed."""

from __future__ import annotations

import pytest

from shared.domain.companies import Company
from shared.domain.filing import CHECKS, Candidate, run_checks
from shared.domain.refusals import Reason, Refused

NAME = "100001/LAA/benefit_statement/2026-01-15_R1.pdf"
ENROLLED = Company("100001", "Muster AG", ("LAA",), {}, (), "", True)


def candidate(name: str = NAME, size: int = 10, content: bytes = b"%PDF-1.4 ok", company: Company | None = ENROLLED,
              readable: bool = True) -> tuple[Candidate, list[str]]:
    reads: list[str] = []

    def read() -> bytes:
        reads.append("read")
        return content

    return Candidate(name, size, 100, read, lambda _n: company, lambda _c: readable), reads


def test_the_order_is_name_size_company_content() -> None:
    assert [c.__name__ for c in CHECKS] == [
        "check_name", "check_not_empty", "check_size", "check_customer_known", "check_enrolled", "check_pdf",
    ]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"name": "bad"}, Reason.BAD_NAME),
        ({"size": 0}, Reason.EMPTY),
        ({"size": 101}, Reason.TOO_LARGE),
        ({"company": None}, Reason.UNKNOWN_CUSTOMER),
        ({"company": Company("100001", "X", (), {}, (), "", False)}, Reason.NOT_ENROLLED),
    ],
)
def test_refusals_before_the_content_never_read_it(kwargs: dict, reason: Reason) -> None:  # type: ignore[type-arg]
    cand, reads = candidate(**kwargs)
    with pytest.raises(Refused) as caught:
        run_checks(cand)
    assert caught.value.reason is reason
    assert reads == []


def test_content_checks_magic_bytes_then_parser() -> None:
    cand, _ = candidate(content=b"GIF89a")
    with pytest.raises(Refused, match="not_pdf"):
        run_checks(cand)
    cand, _ = candidate(readable=False)
    with pytest.raises(Refused, match="not_pdf"):
        run_checks(cand)
    cand, reads = candidate()
    assert run_checks(cand).content == b"%PDF-1.4 ok" and reads == ["read"]
