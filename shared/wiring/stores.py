"""One adapter per container and table, built once per composition root from the SDK clients.

Each adapter module is imported when its store is first built, not at import: a new
instance imports only what its first request needs (cold start, SPEC 7).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from shared.wiring.root import Root

if TYPE_CHECKING:
    from shared.adapters.identity.auth_flows import FlowStore
    from shared.adapters.storage.access_requests import AccessRequestStore, VerifyTokenStore
    from shared.adapters.storage.archives import Archives
    from shared.adapters.storage.audit import AuditLog
    from shared.adapters.storage.companies import CompanyStore
    from shared.adapters.storage.doc_state import DocStateStore
    from shared.adapters.storage.documents import DocumentBlobs
    from shared.adapters.storage.filing_blobs import IncomingBlobs
    from shared.adapters.storage.filing_claims import ClaimStore
    from shared.adapters.storage.grants import GrantStore
    from shared.adapters.storage.index import DocumentIndex
    from shared.adapters.storage.leases import Leases
    from shared.adapters.storage.link_log import LinkLog
    from shared.adapters.storage.outbox import OutboxStore
    from shared.adapters.storage.preferences import PreferenceStore
    from shared.adapters.storage.quarantine import Quarantine
    from shared.adapters.storage.rate_limits import RateLimiter
    from shared.adapters.storage.recent_documents import RecentDocuments
    from shared.adapters.storage.sessions import SessionStore


class Stores(Root):
    @cached_property
    def incoming_blobs(self) -> IncomingBlobs:
        from shared.adapters.storage.filing_blobs import IncomingBlobs

        return IncomingBlobs(self.storage.container("incoming"))

    @cached_property
    def document_blobs(self) -> DocumentBlobs:
        from shared.adapters.storage.documents import DocumentBlobs

        return DocumentBlobs(self.storage.container("documents"), self.incoming_blobs)

    @cached_property
    def quarantine(self) -> Quarantine:
        from shared.adapters.storage.quarantine import Quarantine

        return Quarantine(self.storage.container("quarantine"), self.incoming_blobs)

    @cached_property
    def audit_log(self) -> AuditLog:
        from shared.adapters.storage.audit import AuditLog

        return AuditLog(self.storage.container("audit"))

    @cached_property
    def archives(self) -> Archives:
        """Bulk-download archives, built in container `downloads` and linked."""
        from shared.adapters.storage.archives import Archives

        return Archives(self.storage.container("downloads"))

    @cached_property
    def document_index(self) -> DocumentIndex:
        from shared.adapters.storage.index import DocumentIndex

        s = self.storage
        return DocumentIndex(s.table("docindex"), s.table("docsearch"), s.table("docids"), s.table("docexpiry"))

    @cached_property
    def claim_store(self) -> ClaimStore:
        from shared.adapters.storage.filing_claims import ClaimStore

        return ClaimStore(self.storage.table("filingclaims"))

    @cached_property
    def company_store(self) -> CompanyStore:
        from shared.adapters.storage.companies import CompanyStore

        return CompanyStore(self.storage.table("companies"))

    @cached_property
    def access_request_store(self) -> AccessRequestStore:
        from shared.adapters.storage.access_requests import AccessRequestStore

        return AccessRequestStore(self.storage.table("accessrequests"))

    @cached_property
    def verify_token_store(self) -> VerifyTokenStore:
        from shared.adapters.storage.access_requests import VerifyTokenStore

        return VerifyTokenStore(self.storage.table("verifytokens"))

    @cached_property
    def grant_store(self) -> GrantStore:
        from shared.adapters.storage.grants import GrantStore

        # A grant written drops what the person's sessions keep of their grants (SessionStore).
        return GrantStore(self.storage.table("grants"), on_change=self.session_store.forget_grants)

    @cached_property
    def session_store(self) -> SessionStore:
        from shared.adapters.storage.sessions import SessionStore

        return SessionStore(self.storage.table("sessions"))

    @cached_property
    def flow_store(self) -> FlowStore:
        """Pending sign-ins share Table `sessions` (partition `flow`)."""
        from shared.adapters.identity.auth_flows import FlowStore

        return FlowStore(self.storage.table("sessions"))

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        from shared.adapters.storage.rate_limits import RateLimiter

        return RateLimiter(self.storage.table("ratelimits"), self.clock)

    @cached_property
    def leases(self) -> Leases:
        """Leases share Table `ratelimits` (partition `lease`) and its minimisation rule."""
        from shared.adapters.storage.leases import Leases

        return Leases(self.storage.table("ratelimits"))

    @cached_property
    def outbox_store(self) -> OutboxStore:
        from shared.adapters.storage.outbox import OutboxStore

        return OutboxStore(self.storage.table("outbox"), self.clock)

    @cached_property
    def link_log(self) -> LinkLog:
        from shared.adapters.storage.link_log import LinkLog

        return LinkLog(self.storage.table("doclinks"))

    @cached_property
    def doc_state_store(self) -> DocStateStore:
        """Who downloaded what, per person (SPEC 2 "New and downloaded"): read here, written by
        the link log in the same table and transaction as the link records."""
        from shared.adapters.storage.doc_state import DocStateStore

        return DocStateStore(self.storage.table("doclinks"))

    @cached_property
    def preference_store(self) -> PreferenceStore:
        from shared.adapters.storage.preferences import PreferenceStore

        return PreferenceStore(self.storage.table("notifyprefs"))

    @cached_property
    def recent_documents(self) -> RecentDocuments:
        """Documents by publication and deletion day, read through the index (`docsearch`, `docexpiry`)."""
        from shared.adapters.storage.recent_documents import RecentDocuments

        s = self.storage
        return RecentDocuments(s.table("docexpiry"), s.table("docsearch"), self.settings.retention_days)
