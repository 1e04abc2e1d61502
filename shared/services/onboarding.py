"""The advisor's decisions: approve (invite + welcome mail), reject, third-party access, revoke,
end a company's digital service. Every decision and grant change is audited.

Order of an approval, and why:
1. the request moves `pending → approved` with one ETag-conditional write — this claims
   it, so two advisors clicking at once yield one invitation and a 409 that says who
   approved it and when. An approval still running is not an interrupted one: only an
   approval without a grant older than APPROVAL_LEASE may be finished by a second click
   (its claim is conditional too);
2. the invitation (Graph, or the local directory) returns the person's oid; if it fails
   the request goes back to `pending` and nothing else happened;
3. the grant is written `invited` for (tid, oid) — never for the e-mail — under an id derived
   from the request id, so however often step 3 runs there is one grant;
4. the welcome mail goes to the outbox with a dedupe key, so a retry mails once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from shared.domain.access_request import AccessRequest, StaleAccessRequest, Status
from shared.domain.audit import AuditEvent
from shared.domain.companies import valid_customer_number
from shared.domain.emails import personal_address_problem
from shared.domain.identity import Grant, GrantKind, GrantStatus, Principal
from shared.domain.lines import parse_lines
from shared.services.ports import Audit, Companies, Grants, Inviter, MailRenderer, Outbox

MAX_REASON = 500
# How long an approval may be in flight (claim → invitation → grant) before a second click
# may take it for an interrupted one and finish it. Graph answers within seconds.
APPROVAL_LEASE = timedelta(minutes=5)


class OnboardingError(Exception):
    """Base: the advisor's action cannot be done as asked."""


class NotFoundError(OnboardingError):
    """No such request, grant or company."""


class NotPending(OnboardingError):
    """The request is not `pending` (already decided, or not verified yet); carries the
    request as stored when it was decided, so the answer can say by whom and when."""

    def __init__(self, status: str, request: AccessRequest | None = None) -> None:
        super().__init__(status)
        self.request = request


class InvalidInput(OnboardingError):
    """A field breaks a rule; `errors` maps it to a code."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid input")
        self.errors = errors


class EnrolmentRequired(OnboardingError):
    """The company is eligible but not enrolled: the advisor must confirm enrolling it (`enrol`)."""


class DirectoryUnavailable(OnboardingError):
    """The invitation could not be made (Graph refused or did not answer); nothing changed."""


@dataclass
class Onboarding:
    requests: Any  # AccessRequestStore
    companies: Companies
    grants: Grants
    inviter: Inviter
    outbox: Outbox
    audit: Audit
    render_mail: MailRenderer
    portal_url: str
    now: datetime
    new_grant_id: Any  # Callable[[str, str], str]: (customer number, request id or "") -> grant id
    client: str = ""
    insurer_name: str = ""
    threshold_chf: int = 0

    # -- helpers ---------------------------------------------------------------------

    def _audit(self, action: str, actor: Principal, target: str, customer_number: str = "", **details: Any) -> None:
        self.audit.append(
            AuditEvent(
                action=action,
                at=self.now,
                actor=actor.actor,
                client=self.client,
                target=target,
                customer_number=customer_number,
                details=details,
            )
        )

    def _invite(self, email: str, language: str, display_name: str) -> str:
        try:
            return self.inviter.invite(email, self._portal(language), language, display_name)
        except Exception as exc:  # Graph/msal/storage: whichever failed, nothing was granted
            raise DirectoryUnavailable(type(exc).__name__) from exc

    def _portal(self, language: str) -> str:
        return f"{self.portal_url.rstrip('/')}/portal?lang={language}"

    def _grant(
        self,
        advisor: Principal,
        oid: str,
        email: str,
        customer_number: str,
        lines: tuple[str, ...],
        kind: GrantKind,
        request_id: str = "",
    ) -> Grant:
        grant = Grant(
            grant_id=self.new_grant_id(customer_number, request_id),
            tid=self.inviter.tenant,
            oid=oid,
            email=email,
            customer_number=customer_number,
            lines=lines,
            kind=kind,
            status=GrantStatus.INVITED,
            created_at=self.now,
            request_id=request_id,
            created_by=advisor.actor,
            created_by_name=advisor.name or advisor.email,
        )
        self.grants.put(grant)
        self._audit("grant.created", advisor, grant.grant_id, customer_number, kind=kind.value, lines=list(lines))
        return grant

    def _mail(self, name: str, to: str, language: str, context: dict[str, Any], dedupe: str) -> None:
        subject, text, html = self.render_mail(name, language, {**context, "insurer_name": self.insurer_name})
        self.outbox.enqueue(to, subject, text, html, language, name, dedupe_key=dedupe)

    # -- use cases -------------------------------------------------------------------

    def approve(
        self, advisor: Principal, request_id: str, lines: list[str] | None, enrol: bool = False
    ) -> Grant:
        """SPEC 2 "Grants follow the contract": a known company at or above the threshold; the
        first approval of a company not yet enrolled enrols it, confirmed by the advisor."""
        req = self.requests.get(request_id)
        if req is None:
            raise NotFoundError("request")
        if req.status != Status.PENDING and not self._interrupted(req):
            raise NotPending(str(req.status), req)
        chosen = _choose_lines(req.lines, lines)
        company = self.companies.get(req.customer_number)
        if company is None:
            raise InvalidInput({"customer_number": "company_unknown"})
        if not company.eligible(self.threshold_chf):
            raise InvalidInput({"customer_number": "below_threshold"})
        if any(line not in company.lines for line in chosen):
            raise InvalidInput({"lines": "not_on_contract"})  # as the third-party path refuses them
        if not company.enrolled and not enrol:
            raise EnrolmentRequired(req.customer_number)
        try:
            claimed = self.requests.save(
                replace(
                    req,
                    status=Status.APPROVED,
                    decided_at=self.now,
                    decided_by=advisor.actor,
                    decided_by_name=advisor.name or advisor.email,
                )
            )
        except StaleAccessRequest as exc:
            raise NotPending("changed", self.requests.get(request_id)) from exc
        try:
            oid = self._invite(req.email, req.language, req.full_name)
        except DirectoryUnavailable:
            self.requests.save(
                replace(claimed, status=Status.PENDING, decided_at=None, decided_by="", decided_by_name="")
            )
            raise
        if not company.enrolled:
            # After the claim and the invitation, so a refused approval never enrols a company.
            self.companies.set_enrolled(req.customer_number, True)
            self._audit("company.enrolled", advisor, req.customer_number, req.customer_number, request_id=request_id)
        grant = self._grant(advisor, oid, req.email, req.customer_number, chosen, GrantKind.CUSTOMER, request_id)
        self._mail(
            "welcome",
            req.email,
            req.language,
            {
                "first_name": req.first_name,
                "last_name": req.last_name,
                "company_name": company.name,
                "portal_url": self._portal(req.language),
                "lines": list(chosen),
            },
            dedupe=f"welcome:{request_id}",
        )
        self._audit(
            "request.approved", advisor, request_id, req.customer_number, lines=list(chosen), grant_id=grant.grant_id
        )
        return grant

    def _interrupted(self, req: AccessRequest) -> bool:
        """Approved longer than APPROVAL_LEASE ago, yet no grant came of it (a crash between
        steps 1 and 3): approving again finishes the job. A younger approval is still running
        and must not be run twice. The claim below is still conditional, the grant id comes
        from the request id and the welcome mail is deduplicated by the request id."""
        if req.status != Status.APPROVED:
            return False
        if req.decided_at is not None and self.now - req.decided_at < APPROVAL_LEASE:
            return False
        return not any(g.request_id == req.request_id for g in self.grants.for_company(req.customer_number))

    def reject(self, advisor: Principal, request_id: str, reason: str) -> AccessRequest:
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidInput({"reason": "required"})
        if len(reason) > MAX_REASON:
            raise InvalidInput({"reason": "too_long"})
        req = self.requests.get(request_id)
        if req is None:
            raise NotFoundError("request")
        if req.status != Status.PENDING:
            raise NotPending(str(req.status))
        try:
            saved: AccessRequest = self.requests.save(
                replace(
                    req,
                    status=Status.REJECTED,
                    decided_at=self.now,
                    decided_by=advisor.actor,
                    decided_by_name=advisor.name or advisor.email,
                    reason=reason,
                )
            )
        except StaleAccessRequest as exc:
            raise NotPending("changed") from exc
        self._audit("request.rejected", advisor, request_id, req.customer_number)
        # SPEC 2 "Rejection": the applicant learns it in their language, with the advisor's reason.
        self._mail(
            "rejection",
            req.email,
            req.language,
            {"first_name": req.first_name, "last_name": req.last_name, "reason": reason},
            dedupe=f"rejection:{request_id}",
        )
        return saved

    def invite_third_party(
        self, advisor: Principal, email: str, customer_number: str, lines: list[str], language: str
    ) -> Grant:
        """`email` arrives syntax-checked and normalised; the personal-address rule applies here too."""
        errors: dict[str, str] = {}
        problem = personal_address_problem(email)
        if problem:
            errors["email"] = problem
        company = self.companies.get(customer_number) if valid_customer_number(customer_number) else None
        if company is None:
            errors["customer_number"] = "company_unknown"
        parsed = parse_lines(lines) if lines else None
        if not parsed:
            errors["lines"] = "required" if not lines else "invalid"
        elif company is not None and any(line not in company.lines for line in parsed):
            errors["lines"] = "not_on_contract"
        if errors:
            raise InvalidInput(errors)
        assert company is not None and parsed is not None
        oid = self._invite(email, language, "")
        grant = self._grant(advisor, oid, email, customer_number, tuple(parsed), GrantKind.THIRD_PARTY)
        self._mail(
            "third_party_welcome",
            email,
            language,
            {"company_name": company.name, "portal_url": self._portal(language), "lines": list(parsed)},
            dedupe=f"third_party_welcome:{grant.grant_id}",
        )
        return grant

    def revoke(self, advisor: Principal, grant_id: str, reason: str = "") -> Grant:
        grant = self.grants.get(grant_id)
        if grant is None:
            raise NotFoundError("grant")
        if grant.status is GrantStatus.REVOKED:
            return grant
        revoked = replace(grant, status=GrantStatus.REVOKED, revoked_at=self.now)
        self.grants.put(revoked)
        self._audit("grant.revoked", advisor, grant_id, grant.customer_number, reason=reason[:MAX_REASON])
        return revoked

    def end_service(self, advisor: Principal, customer_number: str) -> list[Grant]:
        """Not enrolled from now on (filing quarantines `not_enrolled`); every grant revoked."""
        company = self.companies.get(customer_number) if valid_customer_number(customer_number) else None
        if company is None:
            raise NotFoundError("company")
        self.companies.set_enrolled(customer_number, False)
        self._audit("company.service_ended", advisor, customer_number, customer_number)
        return [
            self.revoke(advisor, g.grant_id, "service_ended")
            for g in self.grants.for_company(customer_number)
            if g.status is not GrantStatus.REVOKED
        ]


def _choose_lines(asked: tuple[str, ...], chosen: list[str] | None) -> tuple[str, ...]:
    """The advisor may grant fewer lines than asked, never others."""
    if chosen is None:
        return asked
    parsed = parse_lines(chosen) if chosen else None
    if not parsed:
        raise InvalidInput({"lines": "required" if not chosen else "invalid"})
    if any(line not in asked for line in parsed):
        raise InvalidInput({"lines": "not_asked"})
    return tuple(parsed)
