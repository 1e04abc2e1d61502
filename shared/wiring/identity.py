"""Identity: the managed identity's tokens, Entra (msal), Graph, ID-token validation, the
local directory, link and unsubscribe signing.

Each adapter is imported when first built (msal, pyjwt, azure-identity: at first use), not at import.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from shared.wiring.stores import Stores

if TYPE_CHECKING:
    from shared.adapters.identity.dev_directory import DevDirectory
    from shared.adapters.identity.entra import EntraClient
    from shared.adapters.identity.graph import GraphClient
    from shared.adapters.identity.managed_identity import (
        ManagedIdentityTokens,
)
    from shared.adapters.identity.tokens import IdTokenValidator
    from shared.services.links import Signer
    from shared.services.ports import Inviter


class InvitationsNotConfigured(Exception):
    """Neither Graph nor (in local mode) the local directory can invite anyone."""


class Identity(Stores):
    @cached_property
    def managed_identity(self) -> ManagedIdentityTokens:
        from shared.adapters.identity.managed_identity import ManagedIdentityTokens, default_credential

        client_id = self.settings.managed_identity_client_id
        return ManagedIdentityTokens(self.clock.now, lambda: default_credential(client_id))

    @cached_property
    def entra_client(self) -> EntraClient:
        from shared.adapters.identity.entra import EntraClient

        return EntraClient(self.settings, self.identity_http, self.managed_identity.client_assertion)

    @cached_property
    def graph_client(self) -> GraphClient:
        """Graph with the managed identity's own token (it holds User.Invite.All and Mail.Send)."""
        from shared.adapters.identity.graph import GraphClient

        s = self.settings
        identity = self.managed_identity

        def token() -> str:
            from shared.adapters.identity.entra import graph_scope
            from shared.adapters.identity.graph import GraphUnavailable
            from shared.adapters.identity.managed_identity import ManagedIdentityUnavailable

            try:
                return identity.token(graph_scope(s.graph_base_url))
            except ManagedIdentityUnavailable as exc:  # a temporary failure to the outbox and approvals
                raise GraphUnavailable("no managed identity token for Graph") from exc

        return GraphClient(
            s.graph_base_url,
            token,
            self.identity_http,
            sender=s.mail_sender,
            tenant=s.tenant_id,
            sleep=self.sleep,
        )

    @cached_property
    def id_token_validator(self) -> IdTokenValidator:
        from shared.adapters.identity.tokens import IdTokenValidator, JwksCache, metadata_url

        s = self.settings
        keys = JwksCache(metadata_url(s.authority_host, s.tenant_id), self.identity_http, self.clock.now)
        return IdTokenValidator(keys, s.client_id, s.mfa_claim, s.mfa_value, self.clock.now)

    @cached_property
    def dev_directory(self) -> DevDirectory:
        from shared.adapters.identity.dev_directory import DevDirectory

        return DevDirectory(self.storage.table("devdirectory"), self.settings, self.clock.now)

    @cached_property
    def link_signer(self) -> Signer:
        from shared.adapters.identity.sas import signer_for

        return signer_for(self.storage.blob_service, self.clock, local_mode=self.settings.local_mode)

    @cached_property
    def unsubscribe_key(self) -> bytes:
        """Signs the one-click unsubscribe links (raises UnsubscribeNotConfigured without a secret)."""
        from shared.adapters.identity.unsubscribe_tokens import unsubscribe_key

        return unsubscribe_key(self.settings)

    @property
    def inviter(self) -> Inviter:
        """Graph when Entra is configured, else the local directory in local mode (raises
        InvitationsNotConfigured otherwise)."""
        from shared.adapters.identity.entra import configured

        if configured(self.settings):
            return self.graph_client
        if self.settings.local_mode:
            return self.dev_directory
        raise InvitationsNotConfigured("Invitations are not configured.")
