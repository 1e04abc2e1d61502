"""Serves the app's HTTP functions on loopback, shaped like the Functions host and Azure's front end."""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import azure.functions as func

from devhost.routes import Route, compile_route, is_reserved, order

log = logging.getLogger("devhost")

MAX_REQUEST_BYTES = 100 * 1024 * 1024
AdminHandler = Callable[[str, str, bytes], tuple[int, bytes]]


def http_routes(functions: list[Any], route_prefix: str = "") -> list[Route]:
    routes = []
    for fn in functions:
        trigger = fn.get_trigger()
        if type(trigger).__name__ != "HttpTrigger":
            continue
        template = trigger.route or fn.get_function_name()
        if is_reserved(template):
            raise ValueError(f"route {template!r} starts with a prefix the Functions host reserves")
        full = f"{route_prefix.strip('/')}/{template}".strip("/") if route_prefix else template
        methods = {str(getattr(m, "value", m)).upper() for m in (trigger.methods or [])}
        routes.append(compile_route(full, (fn, methods)))
    return order(routes)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class HttpFrontEnd:
    """A threaded HTTP server; `admin` answers the host's reserved /admin API."""

    def __init__(self, routes: list[Route], host: str, port: int, admin: AdminHandler) -> None:
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError("the dev host binds to loopback only")
        self.routes = routes
        self.admin = admin
        handler = self._handler_class()
        self.server = _Server((host, port), handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="devhost-http", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def dispatch(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes, peer: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        parsed = urllib.parse.urlsplit(raw_path)
        path = urllib.parse.unquote(parsed.path).strip("/")
        first = path.split("/")[0].lower()
        if first == "admin":
            status, payload = self.admin(method, path, body)
            return status, [("Content-Type", "application/json")] if payload else [], payload
        if first.startswith("runtime") or first.startswith("admin"):
            return 404, [], b""
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            fn, methods = route.function
            if methods and method.upper() not in methods:
                # The real host answers an empty 404 for a method the route does not list.
                return 404, [], b""
            # Azure's front end appends the caller's address; a client-sent value stays left of it.
            forwarded = headers.get("x-forwarded-for")
            headers["x-forwarded-for"] = f"{forwarded}, {peer}" if forwarded else peer
            request = func.HttpRequest(
                method=method.upper(),
                url=f"http://{headers.get('host', '127.0.0.1')}{raw_path}",
                headers=headers,
                params={k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query, keep_blank_values=True).items()},
                route_params=params,
                body=body,
            )
            started = time.perf_counter()
            try:
                response = fn.get_user_function()(request)
            except Exception:
                log.exception("function %s raised", fn.get_function_name())
                return 500, [], b""
            finally:
                elapsed = (time.perf_counter() - started) * 1000
                log.info("http %s /%s -> %s (%.1f ms)", method, path, fn.get_function_name(), elapsed)
            return _encode(response)
        return 404, [], b""

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms per request on loopback).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
                return

            def _serve(self) -> None:
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                if not 0 <= length <= MAX_REQUEST_BYTES:
                    # The host refuses these before any function runs (its limit is 100 MB).
                    self.send_response(400 if length < 0 else 413)
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    return
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, out_headers, payload = front.dispatch(
                    self.command, self.path, headers, body, f"{self.client_address[0]}:{self.client_address[1]}"
                )
                self.send_response(status)
                for name, value in out_headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        return Handler


def _encode(response: func.HttpResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    headers: list[tuple[str, str]] = []
    has_type = False
    for name, value in response.headers.items():
        if name.lower() == "content-length":
            continue
        if name.lower() == "content-type":
            has_type = True
        headers.append((name, value))
    if not has_type and response.mimetype:
        content_type = response.mimetype
        if response.charset and (response.mimetype.startswith("text/") or "json" in response.mimetype):
            content_type += f"; charset={response.charset}"
        headers.append(("Content-Type", content_type))
    return int(response.status_code), headers, response.get_body() or b""
