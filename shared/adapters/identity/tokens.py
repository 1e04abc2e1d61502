"""ID-token validation by the app itself (SPEC 5), with pyjwt.

msal completes the code flow and checks the nonce; this module proves the rest: the
signature against the tenant's published keys (JWKS, cached, refreshed once when a
token names an unknown `kid`), issuer, audience, expiry and not-before with a small
leeway (against the injected clock), and the MFA signal named by settings.

Every failure is one exception under `TokenError`, so callers can log the reason and
refuse the login without ever echoing the token.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import requests

from shared.domain.signin import mfa_satisfied

ALGORITHMS = ("RS256",)
LEEWAY = timedelta(minutes=2)
JWKS_MAX_AGE = timedelta(hours=24)
# A forged token naming random kids must not make us hammer the tenant's key endpoint.
MIN_REFRESH_INTERVAL = timedelta(minutes=1)


class TokenError(Exception):
    """Base: the ID token does not prove who the caller is."""

    reason = "invalid"


class TokenMalformed(TokenError):
    """Not a compact JWS with a readable header and claims."""

    reason = "malformed"


class TokenAlgorithmRefused(TokenError):
    """Signed with an algorithm we do not accept (`none`, HS256 …)."""

    reason = "algorithm"


class TokenUnknownKey(TokenError):
    """The `kid` is not among the tenant's keys, even after one refresh."""

    reason = "unknown_key"


class TokenBadSignature(TokenError):
    """The signature does not verify with the tenant's key."""

    reason = "signature"


class TokenWrongIssuer(TokenError):
    """Issued by another tenant or authority."""

    reason = "issuer"


class TokenWrongAudience(TokenError):
    """Issued for another application."""

    reason = "audience"


class TokenExpired(TokenError):
    """`exp` is past (beyond the leeway)."""

    reason = "expired"


class TokenNotYetValid(TokenError):
    """`nbf` is in the future (beyond the leeway)."""

    reason = "not_yet_valid"


class TokenClaimMissing(TokenError):
    """A claim we rely on (`tid`, `oid`, `exp` …) is absent or of the wrong type."""

    reason = "claim_missing"


class TokenMfaMissing(TokenError):
    """The configured MFA signal (e.g. `acrs` containing `c1`) is absent."""

    reason = "mfa_missing"


class KeySourceUnavailable(TokenError):
    """The tenant's metadata or keys cannot be fetched; fail closed."""

    reason = "keys_unavailable"


class JwksCache:
    """The tenant's OpenID metadata and signing keys, fetched lazily and cached."""

    def __init__(self, metadata_url: str, http: requests.Session, now: Callable[[], datetime]) -> None:
        self.metadata_url = metadata_url
        self.http = http
        self._now = now
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: dict[str, Any] = {}
        self._fetched_at: datetime | None = None
        self.fetch_count = 0

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            resp = self.http.get(url, timeout=10)
            resp.raise_for_status()
            data = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise KeySourceUnavailable("cannot fetch tenant metadata or keys") from exc
        if not isinstance(data, dict):
            raise KeySourceUnavailable("tenant metadata is not a JSON object")
        return data

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None:
                self._metadata = self._get_json(self.metadata_url)
            return self._metadata

    def issuer(self) -> str:
        return str(self.metadata().get("issuer", ""))

    def _refresh(self) -> None:
        import jwt  # pyjwt at the first sign-in, not at import (cold start)

        jwks = self._get_json(str(self.metadata().get("jwks_uri", "")))
        keys: dict[str, Any] = {}
        for jwk in jwks.get("keys", []):
            if isinstance(jwk, dict) and jwk.get("kty") == "RSA" and jwk.get("kid"):
                try:
                    keys[str(jwk["kid"])] = jwt.PyJWK(jwk, algorithm="RS256").key
                except jwt.PyJWKError:
                    continue
        with self._lock:
            self._keys = keys
            self._fetched_at = self._now()
            self.fetch_count += 1

    def key(self, kid: str) -> Any:
        """The key for `kid`; one refresh when it is unknown or the cache is stale."""
        now = self._now()
        fresh = self._fetched_at is not None and now - self._fetched_at < JWKS_MAX_AGE
        if fresh and kid in self._keys:
            return self._keys[kid]
        may_refresh = self._fetched_at is None or not fresh or now - self._fetched_at >= MIN_REFRESH_INTERVAL
        if may_refresh:
            self._refresh()
        if kid not in self._keys:
            raise TokenUnknownKey("the token's key is not one of the tenant's")
        return self._keys[kid]


class IdTokenValidator:
    def __init__(
        self,
        keys: JwksCache,
        audience: str,
        mfa_claim: str,
        mfa_value: str,
        now: Callable[[], datetime],
        leeway: timedelta = LEEWAY,
    ) -> None:
        self.keys = keys
        self.audience = audience
        self.mfa_claim = mfa_claim
        self.mfa_value = mfa_value
        self._now = now
        self.leeway = leeway

    def validate(self, token: str) -> Mapping[str, Any]:
        """The verified claims, or one TokenError subclass saying why not."""
        import jwt

        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise TokenMalformed("not a JWT") from exc
        except jwt.InvalidTokenError as exc:  # e.g. a `crit` header naming an extension we do not know
            raise TokenMalformed("unsupported header") from exc
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise TokenAlgorithmRefused(f"algorithm {str(alg)[:16]!r} refused")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenMalformed("no key id")
        key = self.keys.key(kid)
        issuer = self.keys.issuer()
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                audience=self.audience,
                issuer=issuer,
                # Time is checked below against the injected clock, not the process's.
                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "require": ["iss", "aud"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise TokenBadSignature("signature does not verify") from exc
        except jwt.InvalidAudienceError as exc:
            raise TokenWrongAudience("wrong audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise TokenWrongIssuer("wrong issuer") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise TokenClaimMissing(str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise TokenMalformed("cannot decode") from exc
        self._check_times(claims)
        for name in ("tid", "oid"):
            if not isinstance(claims.get(name), str) or not claims[name]:
                raise TokenClaimMissing(f"{name} missing")
        if not mfa_satisfied(claims, self.mfa_claim, self.mfa_value):
            raise TokenMfaMissing("MFA signal missing")
        return claims

    def _check_times(self, claims: Mapping[str, Any]) -> None:
        now = self._now().timestamp()
        leeway = self.leeway.total_seconds()
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or isinstance(exp, bool):
            raise TokenClaimMissing("exp missing")
        if now > exp + leeway:
            raise TokenExpired("token expired")
        nbf = claims.get("nbf")
        if nbf is not None:
            if not isinstance(nbf, int | float) or isinstance(nbf, bool):
                raise TokenMalformed("nbf is not a number")
            if now < nbf - leeway:
                raise TokenNotYetValid("token not yet valid")


def metadata_url(authority_host: str, tenant_id: str) -> str:
    return f"{authority_host.rstrip('/')}/{tenant_id}/v2.0/.well-known/openid-configuration"


def principal_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a Principal from verified claims (e-mail is display only, never a key)."""
    email = claims.get("email") or claims.get("preferred_username") or ""
    roles = claims.get("roles") or []
    return {
        "tid": str(claims["tid"]),
        "oid": str(claims["oid"]),
        "email": str(email).strip().lower(),
        "name": str(claims.get("name") or ""),
        "roles": tuple(sorted(r for r in roles if isinstance(r, str))) if isinstance(roles, list) else (),
    }


def dumps_claims_request(claim: str, value: str) -> str:
    """The claims request asking Entra for the authentication context (`acrs` → c1)."""
    return json.dumps({"id_token": {claim: {"essential": True, "value": value}}}, separators=(",", ":"))
