"""What the advisor reads: requests by status with the eligibility summary, and grants."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.domain.access_request import Status
from shared.domain.eligibility import eligibility_summary
from shared.domain.identity import Grant
from shared.domain.timestamps import utc_iso_or_none
from shared.services.ports import Companies

LISTABLE = tuple(s.value for s in Status)


def request_view(req: Any, companies: Companies, threshold_chf: int) -> dict[str, Any]:
    company = companies.get(req.customer_number)
    return {
        "id": req.request_id,
        "status": str(req.status),
        "company_name": req.company_name,
        "customer_number": req.customer_number,
        "first_name": req.first_name,
        "last_name": req.last_name,
        "email": req.email,
        "phone": req.phone,
        "lines": list(req.lines),
        "language": req.language,
        "created_at": utc_iso_or_none(req.created_at),
        "verified_at": utc_iso_or_none(req.verified_at),
        "decided_at": utc_iso_or_none(req.decided_at),
        "reason": req.reason,
        "eligibility": eligibility_summary(company, req.email, req.lines, threshold_chf),
    }


def list_requests(status: str, requests: Any, companies: Companies, threshold_chf: int) -> list[dict[str, Any]]:
    return [request_view(r, companies, threshold_chf) for r in requests.list_by_status(status)]


def grant_view(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.grant_id,
        "customer_number": grant.customer_number,
        "email": grant.email,
        "lines": list(grant.lines),
        "kind": grant.kind.value,
        "status": grant.status.value,
        "created_at": utc_iso_or_none(grant.created_at),
        "activated_at": utc_iso_or_none(grant.activated_at),
        "revoked_at": utc_iso_or_none(grant.revoked_at),
        "oid": grant.oid,
    }


def grants_view(grants: Iterable[Grant]) -> list[dict[str, Any]]:
    return [grant_view(g) for g in grants]
