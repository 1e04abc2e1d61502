"""The services, built from the adapters: the one place handlers, the CLI, the benchmarks,
the dev host and the tests get a use case from.

Request-scoped values (the caller's address, "now") are arguments; everything else comes
from the root, so a test swaps an adapter by building a root of its own. Each use case
imports its service and adapters when first built, not at import (cold start, SPEC 7).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from shared.settings import Settings
from shared.wiring.identity import Identity

if TYPE_CHECKING:
    from shared.domain.notifications import Mail
    from shared.domain.outbox import MailDraft
    from shared.domain.retention import Rule
    from shared.services.access_requests import AccessPorts
    from shared.services.advisor_company import CompanyPorts
    from shared.services.bulk_download import ZipLimits, ZipPorts
    from shared.services.digest import DigestPorts, DigestReport
    from shared.services.filing import FilingService
    from shared.services.links import LinkPorts
    from shared.services.onboarding import Onboarding
    from shared.services.ports import Inviter, MailRenderer
    from shared.services.quarantine_summary import SummaryResult
    from shared.services.retention_sweep import SweepReport
    from shared.services.withdrawal import WithdrawalPorts


def _renderer(settings: Settings) -> MailRenderer:
    """Renders a mail in the one layout, with the insurer's brand and contact from `settings`."""

    def render(name: str, lang: str, context: dict[str, Any]) -> tuple[str, str, str]:
        from shared.adapters.mail.render import render_mail

        mail = render_mail(name, lang, context, settings)
        return mail.subject, mail.text, mail.html

    return render


class _InviterWhenUsed:
    """Chooses the inviter at the first invitation, so a use case that invites nobody (reject,
    revoke, end a service from the CLI) works where invitations are not configured."""

    def __init__(self, root: Identity) -> None:
        self._root = root

    @property
    def tenant(self) -> str:
        return self._root.inviter.tenant

    def invite(self, email: str, redirect_url: str, language: str, display_name: str = "") -> str:
        return self._root.inviter.invite(email, redirect_url, language, display_name)


class UseCases(Identity):
    @cached_property
    def filing_service(self) -> FilingService:
        from shared.adapters.content.pdf import pdf_readable
        from shared.services.filing import FilingService

        return FilingService(
            incoming=self.incoming_blobs,
            documents=self.document_blobs,
            quarantine=self.quarantine,
            index=self.document_index,
            claims=self.claim_store,
            companies=self.company_store,
            clock=self.clock,
            pdf_readable=pdf_readable,
            max_bytes=self.settings.max_document_bytes,
            retention_days=self.settings.retention_days,
            refile_min_age_seconds=self.settings.refile_min_age_seconds,
        )

    def access_ports(self) -> AccessPorts:
        """Built per request (the stores are built once), so a settings change takes effect at once."""
        from shared.adapters.mail.email_syntax import normalise_email
        from shared.adapters.mail.render import AccessMails
        from shared.adapters.storage.access_requests import new_request_id
        from shared.services.access_requests import AccessPorts

        return AccessPorts(
            requests=self.access_request_store,
            tokens=self.verify_token_store,
            outbox=self.outbox_store,
            limiter=self.rate_limiter,
            companies=self.company_store,
            mails=AccessMails(self.settings),
            clock=self.clock,
            settings=self.settings,
            normalise_email=normalise_email,
            new_request_id=new_request_id,
        )

    def onboarding(self, client: str) -> Onboarding:
        """The advisor's decisions (console, API) and ending a service (CLI), as of now."""
        from shared.adapters.storage.grants import new_grant_id
        from shared.services.onboarding import Onboarding

        inviter: Inviter = _InviterWhenUsed(self)
        return Onboarding(
            requests=self.access_request_store,
            companies=self.company_store,
            grants=self.grant_store,
            inviter=inviter,
            outbox=self.outbox_store,
            audit=self.audit_log,
            render_mail=_renderer(self.settings),
            portal_url=self.settings.base_url,
            now=self.clock.now(),
            new_grant_id=new_grant_id,
            client=client,
            insurer_name=self.settings.insurer_name,
            threshold_chf=self.settings.eligibility_threshold_chf,
        )

    def company_ports(self) -> CompanyPorts:
        """What the advisor's company page and proof of delivery read."""
        from shared.services.advisor_company import CompanyPorts

        return CompanyPorts(
            companies=self.company_store,
            grants=self.grant_store,
            index=self.document_index,
            quarantine=self.quarantine,
            deliveries=self.link_log,
            threshold_chf=self.settings.eligibility_threshold_chf,
        )

    def link_ports(self) -> LinkPorts:
        from shared.adapters.rendering.i18n import type_name
        from shared.services.links import LinkPorts

        return LinkPorts(
            index=self.document_index,
            signer=self.link_signer,
            audit=self.audit_log,
            links=self.link_log,
            container=self.storage.container_name("documents"),
            type_name=type_name,
        )

    def zip_limits(self) -> ZipLimits:
        from shared.services.bulk_download import ZipLimits

        return ZipLimits(self.settings.zip_max_documents, self.settings.zip_max_bytes)

    def zip_ports(self) -> ZipPorts:
        from shared.adapters.rendering.i18n import type_name
        from shared.services.bulk_download import ZipPorts

        return ZipPorts(
            index=self.document_index,
            audit=self.audit_log,
            links=self.link_log,
            read_blob=self.document_blobs.chunks,
            type_name=type_name,
        )

    def withdrawal_ports(self) -> WithdrawalPorts:
        from shared.services.withdrawal import WithdrawalPorts

        return WithdrawalPorts(
            index=self.document_index,
            delete_blob=self.document_blobs.delete,
            audit=self.audit_log,
            links=self.link_log,
            end_claim=lambda record, now: self.claim_store.end_withdrawn(
                record.customer_number, record.doc_id, record.published_at, now
            ),
            discard_incoming=lambda record: self.incoming_blobs.discard_copy(
                record.source_name, record.content_sha256, self.settings.max_document_bytes
            ),
            locate=self.document_index.find,
        )

    def retention_rules(self) -> list[Rule]:
        """Every minimisation rule with its period from the current settings."""
        from shared.adapters.storage.purges import minimisation_rules

        return minimisation_rules(
            self.settings,
            quarantine=self.storage.container("quarantine"),
            requests=self.access_request_store,
            tokens=self.verify_token_store,
            grants=self.grant_store,
            sessions=self.session_store,
            rate_limits=self.rate_limiter,
            flows=self.flow_store,
            outbox=self.outbox_store,
            links=self.link_log,
            audit=self.audit_log,
            doc_states=self.doc_state_store,
            choices=self.preference_store,
            archives=self.archives,
            claims=self.claim_store,
        )

    def sweep(self, **bounds: Any) -> SweepReport:
        """The whole daily run (timer, CLI and benchmark share it), one at a time: `busy` when
        another run holds the lease."""
        from shared.services.retention_sweep import RETENTION_WORKERS, run_sweep, sweep_alone

        bounds.setdefault("workers", RETENTION_WORKERS)
        return sweep_alone(
            self.leases,
            self.clock.now(),
            lambda: run_sweep(
                self.document_index,
                self.document_blobs,
                self.audit_log,
                self.clock,
                self.retention_rules(),
                batch_size=self.settings.retention_batch_size,
                **bounds,
            ),
        )

    def quarantine_summary(self) -> SummaryResult:
        """The daily mail to the document generator's team (timer `quarantine_summary`)."""
        from shared.adapters.mail.quarantine_summary import QuarantineSummaryMail
        from shared.services.quarantine_summary import send_quarantine_summary

        return send_quarantine_summary(
            self.settings.quarantine_summary_to,
            self.quarantine,
            QuarantineSummaryMail(self.settings),
            self.outbox_store,
            self.clock,
        )

    def digest_ports(self) -> DigestPorts:
        from shared.services.digest import DigestPorts

        companies = self.company_store
        settings = self.settings

        def company_name(number: str) -> str:
            company = companies.get(number)
            return company.name if company else number

        def to_draft(mail: Mail) -> MailDraft:
            from shared.adapters.mail.notifications import draft

            return draft(mail, settings, self.unsubscribe_key)

        return DigestPorts(
            active_grants=self.grant_store.active_people,
            preferences=self.preference_store.all,
            recent=self.recent_documents,
            states=self.doc_state_store,
            outbox=self.outbox_store,
            company_name=company_name,
            draft=to_draft,
        )

    def notify_digest(self) -> DigestReport:
        """The daily digest and expiry reminder run (timer `notify_digest`, benchmark, tests)."""
        from shared.services.digest import run_notifications

        return run_notifications(self.digest_ports(), self.clock.now(), self.settings.expiry_warning_days)
