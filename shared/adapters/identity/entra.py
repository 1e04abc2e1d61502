"""Entra ID through msal: the sign-in code flow (PKCE, claims request) and the end-session URL.

A fresh ConfidentialClientApplication per login, so users' tokens never pile up in a
process-wide cache; discovery documents are shared through msal's `http_cache`.

The app registration proves itself without a secret by default: msal calls
`client_assertion()` whenever it sends a token request, and that is a token of the function
app's managed identity for `api://AzureADTokenExchange`, which the app registration trusts
through a federated identity credential (docs/azure-identity.md). A client secret is only
the explicit fallback `PORTAL_CLIENT_AUTH=secret`. Graph does not go through here: the
managed identity calls it directly (shared/wiring/identity.py).

The authority is single-tenant (`{authority_host}/{tenant_id}`); invited B2B guests sign
in there. Tests point `authority_host` at an HTTPS loopback stand-in and pass an
`http` session that trusts the test CA.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import requests

from shared.adapters.identity.managed_identity import ManagedIdentityUnavailable
from shared.adapters.identity.tokens import dumps_claims_request
from shared.settings import Settings

if TYPE_CHECKING:
    import msal

MICROSOFT_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn")


class EntraError(Exception):
    """Base: Entra did not complete what we asked."""


class SignInFailed(EntraError):
    """The code flow failed (state mismatch, nonce, error from Entra, code refused)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def configured(settings: Settings) -> bool:
    """Tenant and app registration are set (and, for the secret fallback, the secret)."""
    if not (settings.tenant_id and settings.client_id):
        return False
    return settings.client_auth != "secret" or bool(settings.client_secret)


class EntraClient:
    def __init__(
        self, settings: Settings, http: requests.Session, client_assertion: Callable[[], str] | None = None
    ) -> None:
        self.settings = settings
        self.http = http
        self.authority = f"{settings.authority_host.rstrip('/')}/{settings.tenant_id}"
        self._http_cache: dict[Any, Any] = {}
        self._client_assertion = client_assertion

    def _credential(self) -> str | dict[str, Any]:
        """The federated client assertion (default), or the secret when explicitly chosen."""
        if self.settings.client_auth == "secret":
            return self.settings.client_secret
        if self._client_assertion is None:
            raise SignInFailed("no_client_assertion")
        return {"client_assertion": self._client_assertion}

    def _new_app(self, cache: msal.TokenCache | None = None) -> msal.ConfidentialClientApplication:
        import msal  # at the first sign-in, not at import (cold start)

        host = urllib.parse.urlsplit(self.settings.authority_host).hostname or ""
        return msal.ConfidentialClientApplication(
            self.settings.client_id,
            client_credential=self._credential(),
            authority=self.authority,
            http_client=self.http,
            http_cache=self._http_cache,
            token_cache=cache,
            # Instance discovery asks login.microsoftonline.com about the host; only for Microsoft's own.
            instance_discovery=host in MICROSOFT_HOSTS,
        )

    def claims_challenge(self) -> str | None:
        """Ask for the authentication context bound to the MFA policy (only meaningful for `acrs`)."""
        if self.settings.mfa_claim != "acrs":
            return None
        return dumps_claims_request(self.settings.mfa_claim, self.settings.mfa_value)

    def start_sign_in(self, redirect_uri: str, login_hint: str | None = None) -> dict[str, Any]:
        """The auth code flow (state, nonce, PKCE verifier) to keep server-side, with `auth_uri`."""
        try:
            flow: dict[str, Any] = self._new_app().initiate_auth_code_flow(
                scopes=[],
                redirect_uri=redirect_uri,
                claims_challenge=self.claims_challenge(),
                login_hint=login_hint,
                # RFC 9700 4.3.1: the code arrives in a POST body, never in a URL (history, logs, Referer).
                response_mode="form_post",
            )
        except (requests.RequestException, ValueError) as exc:
            raise SignInFailed("authority_unavailable") from exc
        if "auth_uri" not in flow:
            raise SignInFailed(str(flow.get("error", "flow_not_started")))
        return flow

    def finish_sign_in(self, flow: Mapping[str, Any], auth_response: Mapping[str, str]) -> str:
        """Redeem the code (msal checks state, PKCE and nonce); return the raw ID token."""
        import msal

        try:
            result = self._new_app(msal.TokenCache()).acquire_token_by_auth_code_flow(
                dict(flow), dict(auth_response)
            )
        except ManagedIdentityUnavailable as exc:
            raise SignInFailed("client_assertion_unavailable") from exc
        except (requests.RequestException, ValueError, RuntimeError) as exc:
            raise SignInFailed("token_endpoint_failed") from exc
        if "error" in result:
            raise SignInFailed(str(result.get("error"))[:64])
        token = result.get("id_token")
        if not isinstance(token, str):
            raise SignInFailed("no_id_token")
        return token

    def end_session_url(self, post_logout_redirect_uri: str) -> str:
        """Entra's end-session endpoint (OpenID Connect RP-initiated logout) of the tenant,
        coming back to `post_logout_redirect_uri` (a redirect URI of the app registration)."""
        query = urllib.parse.urlencode({"post_logout_redirect_uri": post_logout_redirect_uri})
        return f"{self.authority}/oauth2/v2.0/logout?{query}"


def graph_scope(graph_base_url: str) -> str:
    """`https://graph.microsoft.com/.default` for the configured Graph root."""
    parts = urllib.parse.urlsplit(graph_base_url)
    return f"{parts.scheme}://{parts.netloc}/.default"
