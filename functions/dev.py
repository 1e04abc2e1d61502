"""Local mode only: a dev session exactly like a login's, and a page to pick a demo identity.

Every route here answers 404 unless settings.local_mode (which settings refuse inside Azure).
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import azure.functions as func

from functions.signin_flow import refuse, start_session
from shared import context
from shared.adapters.rendering.templates import render
from shared.domain.languages import choose_language, normalise_language
from web.http import endpoint, html_response, json_response, media_type, read_form, read_json, redirect
from web.problems import Forbidden, NotFound, ValidationFailed

# Local mode only, so an instance in Azure never needs the local directory or the identity
# rules these routes use: they are imported when a route first runs (cold start, SPEC 7).

bp = func.Blueprint()

_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,24}")


def demo_identities() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The picker page's ready-made identities: a customer and an advisor."""
    from shared.domain.identity import ADVISOR_ROLE

    return (("demo.kunde@muster-ag.ch", ()), ("berater@versicherer.ch", (ADVISOR_ROLE,)))


def _require_local() -> None:
    if not context.current().settings.local_mode:
        raise NotFound("No resource lives at this address.")


def display_name(email: str) -> str:
    local = email.partition("@")[0]
    return " ".join(part.capitalize() for part in re.split(r"[._-]+", local) if part) or email


def _parse(data: dict[str, Any]) -> tuple[str, tuple[str, ...], bool, str | None]:
    from shared.domain.identity import ADVISOR_ROLE
    from shared.domain.signin import normalise_email

    known_roles = {ADVISOR_ROLE}
    errors: dict[str, str] = {}
    email = data.get("email")
    if not isinstance(email, str) or not email.strip():
        errors["email"] = "required"
    elif not _EMAIL.fullmatch(email.strip()):
        errors["email"] = "email_invalid"
    roles = data.get("roles", [])
    if isinstance(roles, str):
        roles = [r for r in roles.split(",") if r]
    if not isinstance(roles, list) or not all(isinstance(r, str) and r in known_roles for r in roles):
        errors["roles"] = "invalid"
    mfa = data.get("mfa", True)
    if not isinstance(mfa, bool):
        errors["mfa"] = "invalid"
    if errors:
        raise ValidationFailed("The dev session request is not valid.", errors=errors)
    language = normalise_language(data.get("language") if isinstance(data.get("language"), str) else None)
    return normalise_email(str(email)), tuple(sorted(set(roles))), bool(mfa), language


@bp.route(route="api/dev/session", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def dev_session(req: func.HttpRequest) -> func.HttpResponse:
    """Form posts (the picker page) get a redirect; JSON gets `{"csrf_token"}`."""
    from shared.adapters.identity.dev_directory import dev_tenant, oid_for
    from shared.domain.identity import Principal
    from shared.domain.signin import mfa_satisfied

    _require_local()
    ctx = context.current()
    from_form = media_type(req) == "application/x-www-form-urlencoded"
    if from_form:
        form = read_form(req)
        data: dict[str, Any] = {
            "email": (form.get("email") or [""])[-1],
            "roles": (form.get("roles") or [""])[-1],
            "language": (form.get("language") or [""])[-1],
        }
    else:
        data = read_json(req)
    email, roles, mfa, language = _parse(data)
    # The same MFA rule as a real login, fed with the claim a real token would carry.
    claims = {ctx.settings.mfa_claim: [ctx.settings.mfa_value]} if mfa else {}
    if not mfa_satisfied(claims, ctx.settings.mfa_claim, ctx.settings.mfa_value):
        refuse(req, "mfa_missing")
        raise Forbidden("Sign-in refused: multi-factor authentication is required.")
    principal = Principal(
        tid=dev_tenant(ctx.settings), oid=oid_for(email), email=email, name=display_name(email), roles=roles
    )
    lang = language or choose_language(None, req.headers.get("accept-language"))
    session, cookie = start_session(req, principal, lang, method="dev")
    if from_form:
        target = "/advisor" if principal.is_advisor else "/portal"
        return redirect(f"{target}?lang={lang}", headers={"Set-Cookie": cookie})
    return json_response({"csrf_token": session.csrf_token}, headers={"Set-Cookie": cookie})


@bp.route(route="api/dev/login", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def dev_login(req: func.HttpRequest) -> func.HttpResponse:
    """The local stand-in for Entra's sign-in page, and for its end-session page (`signed_out=1`)."""
    _require_local()
    ctx = context.current()
    lang = choose_language(req.params.get("lang"), req.headers.get("accept-language"))
    body = render(
        "dev/login.html",
        lang,
        page_title="",
        insurer_name=ctx.settings.insurer_name,
        lang_url=lambda code: "/api/dev/login?" + urllib.parse.urlencode({"lang": code}),
        demos=[{"email": e, "roles": ",".join(r), "advisor": bool(r)} for e, r in demo_identities()],
        signed_out=req.params.get("signed_out") == "1",
    )
    return html_response(body)
