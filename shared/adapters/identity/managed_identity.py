"""Tokens of the function app's own managed identity (azure-identity's ManagedIdentityCredential).

Two uses: the client assertion with which the app registration signs users in (audience
`api://AzureADTokenExchange`, trusted by a federated identity credential), and Graph
(`https://graph.microsoft.com/.default`, the identity holds the Graph app roles itself).

This module is the one cache: a token is kept until `REFRESH_MARGIN` before its expiry on
the injected clock, then fetched anew through a fresh credential (a long-lived credential's
own cache runs on the wall clock and would answer for the injected one). One fetch per
token lifetime (typically 24 h) is all it costs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from azure.core.exceptions import AzureError

# Entra's audience for federated credentials (what the federated identity credential names).
TOKEN_EXCHANGE_SCOPE = "api://AzureADTokenExchange/.default"  # noqa: S105 - an audience, not a secret
# Renew this long before expiry: an assertion must still be valid when Entra reads it.
REFRESH_MARGIN = timedelta(minutes=5)


class ManagedIdentityUnavailable(Exception):
    """The managed identity endpoint gave no token (not in Azure, identity off, endpoint down)."""


class TokenSource(Protocol):
    def get_token(self, *scopes: str) -> object: ...


def default_credential(client_id: str = "") -> TokenSource:
    """The App Service/Functions identity (IDENTITY_ENDPOINT + IDENTITY_HEADER); a user-assigned
    one when `client_id` is given, else the system-assigned one."""
    from azure.identity import ManagedIdentityCredential  # at the first token, not at import (cold start)

    return ManagedIdentityCredential(client_id=client_id or None)


@dataclass(frozen=True)
class _Cached:
    token: str
    refresh_at: datetime


class ManagedIdentityTokens:
    def __init__(
        self,
        now: Callable[[], datetime],
        credential: Callable[[], TokenSource] = default_credential,
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        self._now = now
        self._credential = credential
        self._wall_time = wall_time
        self._lock = threading.Lock()
        self._cache: dict[str, _Cached] = {}

    def token(self, scope: str) -> str:
        """A token for `scope`, from cache until REFRESH_MARGIN before it expires."""
        with self._lock:
            cached = self._cache.get(scope)
            now = self._now()
            if cached is not None and now < cached.refresh_at:
                return cached.token
            credential = self._credential()
            try:
                issued = credential.get_token(scope)
            except AzureError as exc:
                raise ManagedIdentityUnavailable(f"no managed identity token for {scope}") from exc
            finally:
                close = getattr(credential, "close", None)
                if callable(close):
                    close()  # its HTTP session; the next fetch is a day away
            token = getattr(issued, "token", None)
            expires_on = getattr(issued, "expires_on", None)
            if not isinstance(token, str) or not isinstance(expires_on, int):
                raise ManagedIdentityUnavailable(f"no managed identity token for {scope}")
            # The credential states expiry on the wall clock; keep the lifetime, count it on ours.
            lifetime = timedelta(seconds=max(0, expires_on - int(self._wall_time())))
            self._cache[scope] = _Cached(token, now + lifetime - REFRESH_MARGIN)
            return token

    def client_assertion(self) -> str:
        """What msal sends as `client_assertion` (type jwt-bearer) instead of a client secret."""
        return self.token(TOKEN_EXCHANGE_SCOPE)
