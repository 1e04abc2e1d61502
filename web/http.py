"""HTTP plumbing shared by every handler: method guard, problem+json, security headers,
body reading with limits, cookies and the client address."""

from __future__ import annotations

import functools
import json
import logging
import urllib.parse
from collections.abc import Callable, Mapping
from http.cookies import SimpleCookie
from typing import Any

import azure.functions as func

from shared.settings import Settings
from web.error_pages import error_page
from web.errors import problem_for
from web.problems import (
    BadRequest,
    HttpProblem,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
)

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
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status_code=problem.status,
        headers={"Cache-Control": "no-store", **problem.headers},
        mimetype="application/problem+json",
        charset="utf-8",
    )


def with_security_headers(resp: func.HttpResponse) -> func.HttpResponse:
    for name, value in SECURITY_HEADERS.items():
        if name not in resp.headers:
            resp.headers[name] = value
    return resp


def answer_for(req: func.HttpRequest, exc: Exception, where: str) -> func.HttpResponse:
    """The one error table's answer: a page for a browser, problem+json for everyone else."""
    problem = problem_for(exc)
    if problem is None:
        log.exception("unhandled error in %s", where)
        problem = HttpProblem("An unexpected error occurred.")
    elif problem.status >= 500 and not isinstance(exc, HttpProblem):
        log.warning("%s answered %d: %s", where, problem.status, type(exc).__name__)
    return error_page(req, problem) or problem_response(problem)


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
            return with_security_headers(resp)

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
    value = parts[-1]
    # Azure may append host:port for IPv4.
    if value.count(":") == 1 and "." in value:
        value = value.split(":", 1)[0]
    return value[:64]


def query(req: func.HttpRequest, name: str) -> str:
    return (req.params.get(name) or "").strip()
