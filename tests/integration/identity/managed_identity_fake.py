"""A loopback stand-in for the App Service / Functions managed identity endpoint.

In Azure the platform sets IDENTITY_ENDPOINT (a plain-HTTP loopback URL) and IDENTITY_HEADER
in the app's environment; azure-identity's ManagedIdentityCredential (through msal) sends
`GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…` with `X-IDENTITY-HEADER`. This
fake answers the same way, so the real credential code runs unchanged, and records each
request: which resource (audience) was asked for and which identity (client id).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

IDENTITY_HEADER = "identity-header-" + "0" * 8  # what the platform would generate per instance


class FakeManagedIdentity:
    def __init__(self, lifetime_seconds: int = 86_400) -> None:
        self.lifetime_seconds = lifetime_seconds
        self.lock = threading.Lock()
        self.requests: list[dict[str, str]] = []
        self.issued: dict[str, list[str]] = {}  # resource -> tokens issued, oldest first
        self.refuse = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}/msi/token"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FakeManagedIdentity:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def resources(self) -> list[str]:
        with self.lock:
            return [r["resource"] for r in self.requests]

    def tokens_for(self, resource: str) -> list[str]:
        with self.lock:
            return list(self.issued.get(resource, []))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return

            def _send(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(parsed.query))
                if parsed.path != "/msi/token" or self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
                    self._send(401, {"statusCode": 401, "message": "no identity header"})
                    return
                if params.get("api-version") != "2019-08-01" or not params.get("resource"):
                    self._send(400, {"statusCode": 400, "message": "bad request"})
                    return
                with fake.lock:
                    fake.requests.append(params)
                    refuse = fake.refuse
                if refuse:
                    self._send(400, {"statusCode": 400, "message": "identity not available"})
                    return
                token = "mi-" + secrets.token_hex(8)
                with fake.lock:
                    fake.issued.setdefault(params["resource"], []).append(token)
                self._send(
                    200,
                    {
                        "access_token": token,
                        "expires_on": str(int(time.time()) + fake.lifetime_seconds),
                        "resource": params["resource"],
                        "token_type": "Bearer",
                        "client_id": params.get("client_id", "system-assigned"),
                    },
                )

        return Handler


def started() -> Iterator[FakeManagedIdentity]:
    fake = FakeManagedIdentity().start()
    try:
        yield fake
    finally:
        fake.stop()
