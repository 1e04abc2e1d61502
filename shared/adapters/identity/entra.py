"""Entra ID through msal: the sign-in code flow (PKCE, claims request) and app tokens for Graph.

Two uses, two lifetimes:
- sign-in: a fresh ConfidentialClientApplication per login, so users' tokens never pile
  up in a process-wide cache; discovery documents are shared through msal's `http_cache`;
- Graph: one long-lived client-credentials application whose token msal caches and
  renews itself.

The authority is single-tenant (`{authority_host}/{tenant_id}`); invited B2B guests sign
in there. Tests point `authority_host` at an HTTPS loopback stand-in and pass an
`http` session that trusts the test CA.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Mapping
from typing import Any

import msal
import requests

from shared.adapters.identity.tokens import dumps_claims_request
from shared.settings import Settings

MICROSOFT_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn")


class EntraError(Exception):
    """Base: Entra did not complete what we asked."""


class SignInFailed(EntraError):
    """The code flow failed (state mismatch, nonce, error from Entra, code refused)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class AppTokenUnavailable(EntraError):
    """No app token for Graph (wrong secret, no consent, Entra down)."""


def configured(settings: Settings) -> bool:
    return bool(settings.tenant_id and settings.client_id and settings.client_secret)


class EntraClient:
    def __init__(self, settings: Settings, http: requests.Session) -> None:
        self.settings = settings
        self.http = http
        self.authority = f"{settings.authority_host.rstrip('/')}/{settings.tenant_id}"
        self._http_cache: dict[Any, Any] = {}
        self._app_lock = threading.Lock()
        self._graph_app: msal.ConfidentialClientApplication | None = None

    def _new_app(self, cache: msal.TokenCache | None = None) -> msal.ConfidentialClientApplication:
        host = urllib.parse.urlsplit(self.settings.authority_host).hostname or ""
        return msal.ConfidentialClientApplication(
            self.settings.client_id,
            client_credential=self.settings.client_secret,
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
        try:
            result = self._new_app(msal.TokenCache()).acquire_token_by_auth_code_flow(
                dict(flow), dict(auth_response)
            )
        except (requests.RequestException, ValueError, RuntimeError) as exc:
            raise SignInFailed("token_endpoint_failed") from exc
        if "error" in result:
            raise SignInFailed(str(result.get("error"))[:64])
        token = result.get("id_token")
        if not isinstance(token, str):
            raise SignInFailed("no_id_token")
        return token

    def app_token(self, scope: str) -> str:
        """An app-only access token (client credentials); msal serves it from cache until near expiry."""
        with self._app_lock:
            if self._graph_app is None:
                self._graph_app = self._new_app(msal.TokenCache())
            app = self._graph_app
        try:
            result = app.acquire_token_for_client(scopes=[scope])
        except (requests.RequestException, ValueError) as exc:
            raise AppTokenUnavailable("token endpoint unavailable") from exc
        token = result.get("access_token") if isinstance(result, dict) else None
        if not isinstance(token, str):
            raise AppTokenUnavailable(str(result.get("error", "no token") if isinstance(result, dict) else "no token"))
        return token


def graph_scope(graph_base_url: str) -> str:
    """`https://graph.microsoft.com/.default` for the configured Graph root."""
    parts = urllib.parse.urlsplit(graph_base_url)
    return f"{parts.scheme}://{parts.netloc}/.default"
