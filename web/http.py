"""HTTP plumbing shared by every handler: method guard, problem+json, security headers,
body reading with limits, cookies and the client address."""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import urllib.parse
from collections.abc import Callable, Mapping
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

import azure.functions as func

from shared import context
from web.errors import problem_for
from web.problems import (
    BadRequest,
    HttpProblem,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
)

if TYPE_CHECKING:
    from shared.settings import Settings

log = logging.getLogger("portal.web")

Handler = Callable[[func.HttpRequest], func.HttpResponse]

# form-action holds a form's redirects too: the sign-out form's answer is a 303 to Entra's
# end-session endpoint, on one of the sign-in hosts of Microsoft's clouds.
ENTRA_ORIGINS = (
    "https://login.microsoftonline.com https://login.microsoftonline.us https://login.partner.microsoftonline.cn"
)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    f"connect-src 'self'; form-action 'self' {ENTRA_ORIGINS}; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_allowing_forms_to(*urls: str) -> str:
    """The CSP with `form-action` widened to the origins of `urls`: a form whose answer
    redirects elsewhere (the page's download and view buttons, to the storage account's
    signed link) is blocked by browsers unless the redirect's target is allowed too."""
    origins = []
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return CSP.replace("form-action 'self'", " ".join(["form-action 'self'", *origins]))


def json_response(
    payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
        mimetype="application/json",
        charset="utf-8",
    )


def html_response(
    body: str, status: int = 200, headers: Mapping[str, str] | None = None
) -> func.HttpResponse:
    return func.HttpResponse(
        body,
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
        mimetype="text/html",
        charset="utf-8",
    )


def redirect(location: str, status: int = 303, headers: Mapping[str, str] | None = None) -> func.HttpResponse:
    return func.HttpResponse(status_code=status, headers={"Location": location, **(headers or {})})


def problem_response(problem: HttpProblem) -> func.HttpResponse:
    body: dict[str, Any] = {
        "type": f"https://portal.example/problems/{problem.slug}",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors:
        body["errors"] = problem.errors
    for key, value in problem.extensions.items():
        body.setdefault(key, value)
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status_code=problem.status,
        headers={"Cache-Control": "no-store", **problem.headers},
        mimetype="application/problem+json",
        charset="utf-8",
    )


# Outside local mode every answer tells browsers to use HTTPS only, for a year (the portal is
# HTTPS-only in Azure; the local dev host is plain HTTP, where HSTS would pin 127.0.0.1).
HSTS = "max-age=31536000; includeSubDomains"


def with_security_headers(
    resp: func.HttpResponse, local_mode: bool = True, blob_origin: str = ""
) -> func.HttpResponse:
    """`blob_origin` joins form-action: the bulk-download form's answer is a 303 to a link on the
    storage account, and browsers hold a form's redirects to form-action too."""
    headers = SECURITY_HEADERS if local_mode else {**SECURITY_HEADERS, "Strict-Transport-Security": HSTS}
    if blob_origin:
        policy = CSP.replace("form-action 'self'", f"form-action 'self' {blob_origin}")
        headers = {**headers, "Content-Security-Policy": policy}
    for name, value in headers.items():
        if name not in resp.headers:
            resp.headers[name] = value
    return resp


def answer_for(req: func.HttpRequest, exc: Exception, where: str) -> func.HttpResponse:
    """The one error table's answer: a page for a browser, problem+json for everyone else."""
    # The page renderer is imported at the first error, not with every handler (cold start, SPEC 7).
    from web.error_pages import error_page

    problem = problem_for(exc)
    if problem is None:
        log.exception("unhandled error in %s", where)
        problem = HttpProblem("An unexpected error occurred.")
    elif problem.status >= 500 and not isinstance(exc, HttpProblem):
        log.warning("%s answered %d: %s", where, problem.status, type(exc).__name__)
    return error_page(req, problem) or problem_response(problem)


def _edge_facts() -> tuple[bool, str]:
    """Local mode and the blob endpoint's origin, read from the app's context at answer time
    (tests and the dev host install their own)."""
    try:
        ctx = context.current()
        parts = urllib.parse.urlsplit(str(ctx.storage.blob_service.url))
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
        return ctx.settings.local_mode, origin
    except Exception:  # noqa: BLE001 — settings that cannot load: HSTS is the safe default
        return False, ""


def endpoint(*methods: str) -> Callable[[Handler], Handler]:
    """Wrap a handler: answer 405 for other methods, map the problem family, add headers.

    Routes are registered for every method because the Functions host answers an empty
    404 for a method a route does not list; this wrapper answers 405 instead.
    """
    allowed = {m.upper() for m in methods}

    def decorate(fn: Handler) -> Handler:
        @functools.wraps(fn)
        def handler(req: func.HttpRequest) -> func.HttpResponse:
            try:
                if req.method.upper() not in allowed:
                    raise MethodNotAllowed(allowed)
                resp = fn(req)
            except Exception as exc:  # noqa: BLE001 - every failure is answered, by the one table
                resp = answer_for(req, exc, fn.__name__)
            return with_security_headers(resp, *_edge_facts())

        return handler

    return decorate


def media_type(req: func.HttpRequest) -> str:
    return (req.headers.get("content-type") or "").split(";")[0].strip().lower()


def read_body(req: func.HttpRequest, max_bytes: int) -> bytes:
    body = req.get_body() or b""
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"The request body must not exceed {max_bytes} bytes.")
    return body


def read_json(req: func.HttpRequest, max_bytes: int = 16 * 1024) -> dict[str, Any]:
    """Read a JSON object body; 413 / 415 / 400 as the API contract says."""
    body = read_body(req, max_bytes)
    if media_type(req) != "application/json":
        raise UnsupportedMediaType("Send application/json.")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest("The body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


def read_form(req: func.HttpRequest, max_bytes: int = 16 * 1024) -> dict[str, list[str]]:
    body = read_body(req, max_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("The form is not valid UTF-8.") from exc
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, max_num_fields=100)
    except ValueError as exc:  # more than max_num_fields
        raise BadRequest("The form has too many fields.") from exc


def cookies(req: func.HttpRequest) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(req.headers.get("cookie") or "")
    except Exception:  # noqa: BLE001 - a malformed cookie header is treated as no cookie
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def client_address(req: func.HttpRequest, settings: Settings) -> str:
    """The address the Azure front end appended: never a value the client chose.

    Clients may send their own X-Forwarded-For; the front end appends the real peer at the
    right, so only the right-most entry is trusted.
    """
    header = settings.client_ip_header.lower() or "x-forwarded-for"
    raw = req.headers.get(header) or ""
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts:
        return "unknown"
    return bare_address(parts[-1])[:64]


def bare_address(value: str) -> str:
    """The address without a port, in canonical form: `1.2.3.4:5678` and `[2001:db8::1]:443`
    (Azure appends a port) become `1.2.3.4` and `2001:db8::1`."""
    host = value.strip()
    if host.startswith("["):
        end = host.find("]")
        host = host[1:end] if end > 0 else host[1:]
    elif host.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        host = host.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def query(req: func.HttpRequest, name: str) -> str:
    return (req.params.get(name) or "").strip()
