"""What the advisor reads: requests by status with the eligibility summary, and grants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from shared.domain.access_request import AccessRequest, Status
from shared.domain.companies import Company
from shared.domain.eligibility import approval_state, eligibility_summary
from shared.domain.identity import Grant
from shared.domain.timestamps import utc_iso_or_none

LISTABLE = tuple(s.value for s in Status)
PAGE_SIZE = 25


class RequestList(Protocol):
    def page(
        self, status: str, q: str = "", limit: int = 25, cursor: str | None = None
    ) -> tuple[list[AccessRequest], str | None]: ...
    def count(self, status: str) -> int: ...


class CompanyLookup(Protocol):
    def many(self, customer_numbers: Iterable[str]) -> Mapping[str, Company]: ...


def request_view(req: AccessRequest, company: Company | None, threshold_chf: int) -> dict[str, Any]:
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
        "decided_by_name": req.decided_by_name,
        "eligibility": eligibility_summary(company, req.email, req.lines, threshold_chf),
        "approval": approval_state(company, threshold_chf),
    }


def list_requests(
    status: str,
    requests: RequestList,
    companies: CompanyLookup,
    threshold_chf: int,
    q: str = "",
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> dict[str, Any]:
    """One page of a status (newest first) with each company's facts, and the count per status.

    Round trips: one range read for the page, one query per 14 companies on it, and one
    keys-only read per status for the counts (run side by side).
    """
    with ThreadPoolExecutor(max_workers=len(LISTABLE)) as pool:
        counting = {s: pool.submit(requests.count, s) for s in LISTABLE}
        items, next_cursor = requests.page(status, q, limit, cursor)
        known = companies.many(r.customer_number for r in items)
        counts = {s: f.result() for s, f in counting.items()}
    return {
        "items": [request_view(r, known.get(r.customer_number), threshold_chf) for r in items],
        "next_cursor": next_cursor,
        "counts": counts,
    }


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
        "created_by_name": grant.created_by_name,
        "last_signin_at": utc_iso_or_none(grant.last_signin_at),
    }


def grants_view(grants: Iterable[Grant]) -> list[dict[str, Any]]:
    return [grant_view(g) for g in grants]
