"""ID-token validation against the tenant's JWKS served over HTTPS by the stand-in."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
import requests

from shared.adapters.identity.tokens import (
    IdTokenValidator,
    JwksCache,
    TokenAlgorithmRefused,
    TokenBadSignature,
    TokenClaimMissing,
    TokenError,
    TokenExpired,
    TokenMalformed,
    TokenMfaMissing,
    TokenNotYetValid,
    TokenUnknownKey,
    TokenWrongAudience,
    TokenWrongIssuer,
    metadata_url,
)
from shared.clock import MutableClock
from tests.integration.identity.fakes import CLIENT_ID, TENANT, FakeEntraGraph, SigningKey


@pytest.fixture
def real_now() -> MutableClock:
    return MutableClock(datetime.fromtimestamp(int(time.time()), UTC))


def validator(entra: FakeEntraGraph, http: requests.Session, clock: MutableClock, **kw: str) -> IdTokenValidator:
    keys = JwksCache(metadata_url(entra.base, TENANT), http, clock.now)
    return IdTokenValidator(keys, CLIENT_ID, kw.get("claim", "acrs"), kw.get("value", "c1"), clock.now)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_good_token_yields_its_claims(
    entra: FakeEntraGraph, trusted_http: requests.Session, real_now: MutableClock
) -> None:
    claims = validator(entra, trusted_http, real_now).validate(entra.id_token(oid="o-1"))
    assert claims["oid"] == "o-1" and claims["tid"] == TENANT


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"exp": -600}, TokenExpired),  # seconds from now, resolved when the test runs
        ({"nbf": 600}, TokenNotYetValid),
        ({"aud": "someone-else"}, TokenWrongAudience),
        ({"iss": "https://login.example/other/v2.0"}, TokenWrongIssuer),
        ({"acrs": None}, TokenMfaMissing),
        ({"acrs": ["c2"]}, TokenMfaMissing),
        ({"oid": None}, TokenClaimMissing),
        ({"exp": None}, TokenClaimMissing),
        ({"nbf": "soon"}, TokenMalformed),
    ],
)
def test_each_failure_has_its_own_exception(
    entra: FakeEntraGraph,
    trusted_http: requests.Session,
    real_now: MutableClock,
    overrides: dict[str, Any],
    error: type[TokenError],
) -> None:
    now = int(time.time())
    resolved: dict[str, Any] = {
        k: (now + v if k in ("exp", "nbf") and isinstance(v, int) else v) for k, v in overrides.items()
    }
    with pytest.raises(error):
        validator(entra, trusted_http, real_now).validate(entra.id_token(**resolved))


def test_small_clock_skew_is_tolerated_but_not_more(
    entra: FakeEntraGraph, trusted_http: requests.Session, real_now: MutableClock
) -> None:
    """GIVEN a token that expired a minute ago THEN it passes within the 2-minute leeway; 3 minutes fails."""
    v = validator(entra, trusted_http, real_now)
    token = entra.id_token(exp=int(real_now.now().timestamp()) - 60)
    assert v.validate(token)["tid"] == TENANT
    real_now.set(datetime.fromtimestamp(real_now.now().timestamp() + 120, UTC))
    with pytest.raises(TokenExpired):
        v.validate(token)


def test_wrong_key_with_a_known_kid_fails_the_signature(
    entra: FakeEntraGraph, trusted_http: requests.Session, real_now: MutableClock
) -> None:
    impostor = SigningKey("key-1")  # same kid, different private key
    with pytest.raises(TokenBadSignature):
        validator(entra, trusted_http, real_now).validate(entra.id_token(key=impostor))


def test_alg_none_and_hmac_are_refused(
    entra: FakeEntraGraph, trusted_http: requests.Session, real_now: MutableClock
) -> None:
    payload = jwt.decode(entra.id_token(), options={"verify_signature": False})
    unsigned = f"{_b64({'alg': 'none', 'kid': 'key-1', 'typ': 'JWT'})}.{_b64(payload)}."
    v = validator(entra, trusted_http, real_now)
    with pytest.raises(TokenAlgorithmRefused):
        v.validate(unsigned)
    hs = jwt.encode(payload, "a-shared-secret-of-enough-length-32b", algorithm="HS256", headers={"kid": "key-1"})
    with pytest.raises(TokenAlgorithmRefused):
        v.validate(hs)


@pytest.mark.parametrize("raw", ["", "abc", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30", "....."])
def test_malformed_tokens(
    entra: FakeEntraGraph, trusted_http: requests.Session, real_now: MutableClock, raw: str
) -> None:
    with pytest.raises(TokenMalformed):
        validator(entra, trusted_http, real_now).validate(raw)


@pytest.mark.parametrize("crit", [["exp"], ["x-unknown"], "b64", [5], []])
def test_a_crit_header_is_a_bad_token_like_any_other(
    entra: FakeEntraGraph, trusted_http: requests.Session, real_now: MutableClock, crit: object
) -> None:
    """GIVEN a token whose header carries `crit` WHEN validated THEN TokenMalformed (the callback's
    refusal page), not PyJWT's own exception escaping as a 500."""
    token = entra.id_token()
    head, body, sig = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    forged = f"{_b64({**header, 'crit': crit})}.{body}.{sig}"
    with pytest.raises(TokenMalformed):
        validator(entra, trusted_http, real_now).validate(forged)


def test_unknown_kid_triggers_exactly_one_refresh(
    entra: FakeEntraGraph, trusted_http: requests.Session, real_now: MutableClock
) -> None:
    """GIVEN cached keys WHEN the tenant rolls a key THEN one refresh finds it; a bogus kid refreshes once."""
    v = validator(entra, trusted_http, real_now)
    v.validate(entra.id_token())
    assert entra.jwks_fetches == 1
    rolled = SigningKey("key-2")
    entra.published = [entra.keys[0], rolled]
    real_now.set(datetime.fromtimestamp(real_now.now().timestamp() + 61, UTC))  # refreshes are at most one a minute
    assert v.validate(entra.id_token(key=rolled))["tid"] == TENANT
    assert entra.jwks_fetches == 2
    v.validate(entra.id_token(key=rolled))
    assert entra.jwks_fetches == 2  # cached now
    real_now.set(datetime.fromtimestamp(real_now.now().timestamp() + 61, UTC))
    bogus = SigningKey("nobody")
    with pytest.raises(TokenUnknownKey):
        v.validate(entra.id_token(key=bogus))
    assert entra.jwks_fetches == 3
    with pytest.raises(TokenUnknownKey):
        v.validate(entra.id_token(key=bogus))
    assert entra.jwks_fetches == 3  # no hammering of the key endpoint


def test_amr_can_be_the_configured_mfa_signal(
    entra: FakeEntraGraph, trusted_http: requests.Session, real_now: MutableClock
) -> None:
    v = validator(entra, trusted_http, real_now, claim="amr", value="mfa")
    assert v.validate(entra.id_token(amr=["pwd", "mfa"], acrs=None))["amr"] == ["pwd", "mfa"]
    with pytest.raises(TokenMfaMissing):
        v.validate(entra.id_token(amr=["pwd"]))


def test_untrusted_certificate_fails_closed(entra: FakeEntraGraph, real_now: MutableClock) -> None:
    """The stand-in's certificate is not trusted by a default session: no keys, no login."""
    with requests.Session() as plain:
        plain.trust_env = False
        with pytest.raises(TokenError) as caught:
            validator(entra, plain, real_now).validate(entra.id_token())
    assert caught.value.reason == "keys_unavailable"
