"""Loopback HTTPS stand-ins for Entra ID (OpenID metadata, authorize, token, JWKS) and Graph
(invitations, sendMail), with a certificate from a test CA made by trustme.

They speak the wire protocol the real msal and requests code expects, record what they
received, and can be scripted to fail (status codes, Retry-After), so the tests exercise
the project's own client code end to end — nothing of ours is mocked.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import html
import json
import secrets
import ssl
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import trustme
from cryptography.hazmat.primitives.asymmetric import rsa

TENANT = "11111111-2222-3333-4444-555555555555"
CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CLIENT_SECRET = "test-secret-not-real"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def jwk(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        data.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return data


@dataclass
class Scripted:
    """A queue of failures to answer before succeeding: (status, headers)."""

    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def next(self) -> tuple[int, dict[str, str]] | None:
        return self.failures.pop(0) if self.failures else None


class FakeEntraGraph:
    """One HTTPS server playing both Entra (under /<tenant>/…) and Graph (under /v1.0/…)."""

    def __init__(self, ca: trustme.CA) -> None:
        self.ca = ca
        self.keys = [SigningKey("key-1")]
        self.published = list(self.keys)  # what the JWKS endpoint shows
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.authorize_params: list[dict[str, str]] = []
        self.codes: dict[str, dict[str, str]] = {}
        self.jwks_fetches = 0
        self.client_credential_grants = 0
        self.invitations: list[dict[str, Any]] = []
        self.mails: list[tuple[str, dict[str, Any]]] = []
        self.invite_script = Scripted()
        self.mail_script = Scripted()
        self.user_claims: dict[str, Any] = {}
        self.token_overrides: dict[str, Any] = {}
        self.invited_oids: dict[str, str] = {}
        # The federated identity credential: which assertions the app registration trusts
        # (the managed identity's tokens for api://AzureADTokenExchange), and what came.
        self.trusted_assertions: Callable[[], list[str]] = list
        self.client_auth: list[dict[str, str]] = []
        # Graph accepts only what the managed identity was given for Graph's resource.
        self.trusted_graph_tokens: Callable[[], list[str]] = list
        self.logouts: list[dict[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.base = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeEntraGraph:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def issuer(self) -> str:
        return f"{self.base}/{TENANT}/v2.0"

    @property
    def graph_url(self) -> str:
        return f"{self.base}/v1.0"

    # -- tokens ----------------------------------------------------------------------
    def id_token(self, key: SigningKey | None = None, **overrides: Any) -> str:
        """A signed ID token with sensible claims (valid now in real time); overrides win (None removes)."""
        key = key or self.keys[0]
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "tid": TENANT,
            "oid": str(uuid.uuid4()),
            "sub": "subject",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "name": "Anna Muster",
            "email": "anna@muster-ag.ch",
            "acrs": ["c1"],
            "ver": "2.0",
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid})

    # -- HTTP ------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                raw = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _form_post(self, action: str, fields: dict[str, str]) -> None:
                """What Entra answers for response_mode=form_post: a self-submitting form."""
                inputs = "".join(
                    f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items()
                )
                page = f'<html><body><form method="POST" action="{html.escape(action)}">{inputs}</form></body></html>'
                raw = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _record(self, body: bytes) -> None:
                with fake.lock:
                    fake.requests.append((self.command, self.path, dict(self.headers.items()), body))

            def do_GET(self) -> None:
                self._record(b"")
                parsed = urllib.parse.urlsplit(self.path)
                if parsed.path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
                    self._send(200, fake.metadata())
                elif parsed.path == f"/{TENANT}/discovery/v2.0/keys":
                    with fake.lock:
                        fake.jwks_fetches += 1
                        keys = [k.jwk() for k in fake.published]
                    self._send(200, {"keys": keys})
                elif parsed.path == f"/{TENANT}/oauth2/v2.0/logout":
                    params = dict(urllib.parse.parse_qsl(parsed.query))
                    with fake.lock:
                        fake.logouts.append(params)
                    target = params.get("post_logout_redirect_uri")
                    if target:
                        self._send(302, headers={"Location": target})
                    else:
                        self._send(200, {"signed_out": True})
                elif parsed.path == f"/{TENANT}/oauth2/v2.0/authorize":
                    params = dict(urllib.parse.parse_qsl(parsed.query))
                    code = secrets.token_urlsafe(16)
                    with fake.lock:
                        fake.authorize_params.append(params)
                        fake.codes[code] = params
                    result = {"code": code, "state": params["state"]}
                    if params.get("response_mode") == "form_post":
                        self._form_post(params["redirect_uri"], result)
                    else:
                        target = params["redirect_uri"] + "?" + urllib.parse.urlencode(result)
                        self._send(302, headers={"Location": target})
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                self._record(body)
                path = urllib.parse.urlsplit(self.path).path
                if path == f"/{TENANT}/oauth2/v2.0/token":
                    self._token(dict(urllib.parse.parse_qsl(body.decode())))
                elif path.startswith("/v1.0/") and not self._graph_token_trusted():
                    self._send(401, {"error": {"code": "InvalidAuthenticationToken"}})
                elif path == "/v1.0/invitations":
                    self._invite(json.loads(body))
                elif path.startswith("/v1.0/users/") and path.endswith("/sendMail"):
                    failure = fake.mail_script.next()
                    if failure:
                        self._send(failure[0], {"error": {"code": "Throttled"}}, failure[1])
                        return
                    sender = urllib.parse.unquote(path.split("/")[3])
                    if self.headers.get("Content-Type", "").startswith("text/plain"):
                        # sendMail's MIME form: base64 of the whole message, as Graph takes it.
                        parsed = email.parser.BytesParser(policy=email.policy.default).parsebytes(
                            base64.b64decode(body, validate=True)
                        )
                        record: dict[str, Any] = {"mime": parsed}
                    else:
                        record = json.loads(body)
                    with fake.lock:
                        fake.mails.append((sender, record))
                    self._send(202)
                else:
                    self._send(404, {"error": "not_found"})

            def _graph_token_trusted(self) -> bool:
                presented = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                return presented in fake.trusted_graph_tokens()

            def _client_proven(self, form: dict[str, str]) -> bool:
                """A trusted federated assertion (jwt-bearer), or the fallback client secret."""
                with fake.lock:
                    fake.client_auth.append(
                        {k: v for k, v in form.items() if k in ("client_assertion_type", "client_assertion")}
                        | {"secret": "yes" if "client_secret" in form else "no"}
                    )
                if form.get("client_id") != CLIENT_ID:
                    return False
                if "client_assertion" in form:
                    return (
                        form.get("client_assertion_type") == JWT_BEARER
                        and form["client_assertion"] in fake.trusted_assertions()
                    )
                return form.get("client_secret") == CLIENT_SECRET

            def _token(self, form: dict[str, str]) -> None:
                if not self._client_proven(form):
                    self._send(401, {"error": "invalid_client", "error_description": "bad client"})
                    return
                if form.get("grant_type") == "client_credentials":
                    with fake.lock:
                        fake.client_credential_grants += 1
                    self._send(
                        200,
                        {
                            "token_type": "Bearer",
                            "expires_in": 3600,
                            "access_token": "app-token-" + secrets.token_hex(4),
                        },
                    )
                    return
                if form.get("grant_type") != "authorization_code":
                    self._send(400, {"error": "unsupported_grant_type"})
                    return
                with fake.lock:
                    params = fake.codes.pop(form.get("code", ""), None)
                if params is None or params.get("redirect_uri") != form.get("redirect_uri"):
                    self._send(400, {"error": "invalid_grant", "error_description": "unknown code"})
                    return
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if params.get("code_challenge_method") != "S256" or challenge != params.get("code_challenge"):
                    self._send(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
                    return
                claims = {"nonce": params.get("nonce"), **fake.user_claims}
                id_token = fake.id_token(**claims)
                self._send(
                    200,
                    {
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "access_token": "user-at",
                        "id_token": id_token,
                        "scope": "openid profile",
                        **fake.token_overrides,
                    },
                )

            def _invite(self, payload: dict[str, Any]) -> None:
                failure = fake.invite_script.next()
                if failure:
                    self._send(failure[0], {"error": {"code": "Throttled"}}, failure[1])
                    return
                email = payload["invitedUserEmailAddress"]
                with fake.lock:
                    fake.invitations.append(payload)
                    oid = fake.invited_oids.setdefault(email, str(uuid.uuid4()))
                self._send(201, {"id": str(uuid.uuid4()), "invitedUser": {"id": oid}, "status": "PendingAcceptance"})

        return Handler

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/authorize",
            "token_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/token",
            "jwks_uri": f"{self.base}/{TENANT}/discovery/v2.0/keys",
            "end_session_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/logout",
            "response_types_supported": ["code", "id_token", "code id_token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }


def started(ca: trustme.CA) -> Iterator[FakeEntraGraph]:
    fake = FakeEntraGraph(ca).start()
    try:
        yield fake
    finally:
        fake.stop()
