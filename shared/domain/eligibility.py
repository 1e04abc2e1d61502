"""What an advisor sees beside each access request (SPEC 5): facts, not a verdict.

The advisor decides; this summary only gathers what the registry says about the company
and how the request compares with it. The public form never shows any of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.domain.companies import Company


def eligibility_summary(
    company: Company | None, email: str, lines_asked: Sequence[str], threshold_chf: int
) -> dict[str, Any]:
    if company is None:
        return {
            "company_known": False,
            "company_name": "",
            "enrolled": False,
            "premium_volume_chf": None,
            "threshold_chf": threshold_chf,
            "meets_threshold": False,
            "lines_on_contract": [],
            "lines_asked": list(lines_asked),
            "lines_not_on_contract": list(lines_asked),
            "email_domain_known": False,
        }
    return {
        "company_known": True,
        "company_name": company.name,
        "enrolled": company.enrolled,
        "premium_volume_chf": company.premium_total,
        "threshold_chf": threshold_chf,
        "meets_threshold": company.eligible(threshold_chf),
        "lines_on_contract": list(company.lines),
        "lines_asked": list(lines_asked),
        "lines_not_on_contract": [line for line in lines_asked if line not in company.lines],
        "email_domain_known": company.domain_known(email),
    }


def approval_state(company: Company | None, threshold_chf: int) -> dict[str, Any]:
    """Whether Approve can work, and why not, in the same codes the approve API answers."""
    if company is None:
        return {"allowed": False, "reason": "company_unknown", "needs_enrolment": False}
    if not company.eligible(threshold_chf):
        return {"allowed": False, "reason": "below_threshold", "needs_enrolment": False}
    return {"allowed": True, "reason": None, "needs_enrolment": not company.enrolled}
