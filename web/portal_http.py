"""The customer portal's HTTP glue: who is calling (session + active grants, from the server)."""

from __future__ import annotations

import azure.functions as func

from shared.context import AppContext
from shared.domain.languages import choose_language
from shared.services.links import Caller
from shared.services.sessions import active_grants
from web.auth_http import Session, require_session
from web.http import client_address


def caller_for(req: func.HttpRequest, ctx: AppContext, session: Session | None = None) -> Caller:
    """The caller as the server knows them; `?lang=` may only pick the language."""
    session = session or require_session(req)
    principal = session.principal
    grants = active_grants(session, ctx.grant_store)
    lang = choose_language(req.params.get("lang"), None, session.language)
    return Caller(principal, grants, lang, client_address(req, ctx.settings))
