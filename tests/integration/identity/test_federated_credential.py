"""Sign-in without a secret: msal's client assertion is the managed identity's token for
`api://AzureADTokenExchange` (federated identity credential), from the real azure-identity
code against the identity endpoint stand-in; the secret only as the explicit fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from shared import context
from shared.clock import MutableClock
from shared.context import AppContext
from shared.settings import Settings, SettingsError, load_settings
from tests.integration.identity.conftest import EXCHANGE_RESOURCE
from tests.integration.identity.fakes import CLIENT_SECRET, JWT_BEARER, FakeEntraGraph
from tests.integration.identity.managed_identity_fake import FakeManagedIdentity
from tests.integration.identity.test_signin_flow import sign_in
from tests.support.client import Client


def _clock(ctx: AppContext) -> MutableClock:
    assert isinstance(ctx.clock, MutableClock)
    return ctx.clock


def _sign_in_at(ctx: AppContext, http: Client, entra: FakeEntraGraph, browser: requests.Session) -> None:
    """A complete sign-in whose ID token is valid at the injected clock's time."""
    entra.user_claims = {"exp": int(ctx.clock.now().timestamp()) + 3600}
    done = sign_in(http, browser)
    assert done.status_code == 303, done.text


def test_the_code_is_redeemed_with_the_managed_identitys_assertion_not_a_secret(
    entra_ctx: AppContext,
    http: Client,
    entra: FakeEntraGraph,
    managed_identity: FakeManagedIdentity,
    trusted_http: requests.Session,
) -> None:
    """GIVEN no client secret anywhere WHEN someone signs in THEN the identity endpoint was asked
    for the token-exchange audience, and Entra's token request carried exactly that token as a
    jwt-bearer client assertion and no client_secret."""
    _clock(entra_ctx).set(datetime.now(UTC).replace(microsecond=0))
    assert entra_ctx.settings.client_secret == "" and entra_ctx.settings.client_auth == "managed_identity"
    _sign_in_at(entra_ctx, http, entra, trusted_http)
    assert managed_identity.resources() == [EXCHANGE_RESOURCE]  # api://AzureADTokenExchange
    assertion = managed_identity.tokens_for(EXCHANGE_RESOURCE)[0]
    assert entra.client_auth == [
        {"client_assertion_type": JWT_BEARER, "client_assertion": assertion, "secret": "no"}
    ]
    assert http.get("/api/me").status_code == 200


def test_the_assertion_is_cached_and_renewed_before_it_expires(
    entra_ctx: AppContext,
    http: Client,
    entra: FakeEntraGraph,
    managed_identity: FakeManagedIdentity,
    trusted_http: requests.Session,
) -> None:
    """GIVEN 24-hour identity tokens WHEN three people sign in, the third 23 h 56 min later on
    the injected clock THEN the first two share one assertion and the third gets a new one
    (renewed within 5 minutes of expiry, never sent stale)."""
    clock = _clock(entra_ctx)
    clock.set(datetime.now(UTC).replace(microsecond=0))
    _sign_in_at(entra_ctx, http, entra, trusted_http)
    _sign_in_at(entra_ctx, http, entra, trusted_http)
    clock.advance(timedelta(hours=23, minutes=54))
    _sign_in_at(entra_ctx, http, entra, trusted_http)
    assert len(managed_identity.tokens_for(EXCHANGE_RESOURCE)) == 1  # 6 minutes left: still used
    clock.advance(timedelta(minutes=2))
    _sign_in_at(entra_ctx, http, entra, trusted_http)
    issued = managed_identity.tokens_for(EXCHANGE_RESOURCE)
    assert len(issued) == 2
    assert [a["client_assertion"] for a in entra.client_auth] == [issued[0], issued[0], issued[0], issued[1]]


def test_without_the_identity_the_sign_in_is_refused_cleanly(
    entra_ctx: AppContext,
    http: Client,
    entra: FakeEntraGraph,
    managed_identity: FakeManagedIdentity,
    trusted_http: requests.Session,
) -> None:
    """The identity endpoint failing is a refused sign-in with its reason audited, not a 500."""
    _clock(entra_ctx).set(datetime.now(UTC).replace(microsecond=0))
    managed_identity.refuse = True
    done = sign_in(http, trusted_http)
    assert done.status_code == 400 and "Set-Cookie" not in done.headers
    assert entra.client_auth == []  # nothing reached Entra's token endpoint
    events = list(entra_ctx.audit_log.read_day(entra_ctx.clock.now().date()))
    assert [(e["action"], e["details"]["reason"]) for e in events] == [
        ("login.refused", "flow:client_assertion_unavailable")
    ]


def test_the_secret_is_an_explicit_fallback(
    entra_ctx: AppContext,
    http: Client,
    entra: FakeEntraGraph,
    managed_identity: FakeManagedIdentity,
    trusted_http: requests.Session,
) -> None:
    """PORTAL_CLIENT_AUTH=secret: the token request carries the secret and the identity is not
    asked for an assertion (Graph still goes through the identity)."""
    fallback = AppContext(
        settings=entra_ctx.settings.with_overrides(client_auth="secret", client_secret=CLIENT_SECRET),
        clock=entra_ctx.clock,
        storage=entra_ctx.storage,
        identity_http=trusted_http,
    )
    context.install(fallback)
    _clock(fallback).set(datetime.now(UTC).replace(microsecond=0))
    _sign_in_at(fallback, http, entra, trusted_http)
    assert entra.client_auth == [{"secret": "yes"}]
    assert managed_identity.resources() == []


def test_settings_default_to_the_managed_identity_and_refuse_a_half_fallback() -> None:
    assert load_settings({}).client_auth == "managed_identity"
    assert Settings().client_secret == ""
    with pytest.raises(SettingsError, match="PORTAL_CLIENT_SECRET"):
        load_settings({"PORTAL_CLIENT_AUTH": "secret"})
    with pytest.raises(SettingsError, match="PORTAL_CLIENT_AUTH"):
        load_settings({"PORTAL_CLIENT_AUTH": "certificate"})
    chosen = load_settings({"PORTAL_CLIENT_AUTH": "secret", "PORTAL_CLIENT_SECRET": "x"})
    assert (chosen.client_auth, chosen.client_secret) == ("secret", "x")
