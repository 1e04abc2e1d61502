"""The customer portal's HTTP glue: who is calling (session + active grants, from the server)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from shared.domain.languages import choose_language
from web.auth_http import require_session
from web.http import client_address

if TYPE_CHECKING:
    from shared.context import AppContext
    from shared.domain.sessions import Session
    from shared.services.links import Caller


def caller_for(req: func.HttpRequest, ctx: AppContext, session: Session | None = None) -> Caller:
    """The caller as the server knows them; `?lang=` may only pick the language."""
    # The portal's use cases are imported by its first request, not at cold start (SPEC 7).
    from shared.services.links import Caller
    from shared.services.sessions import active_grants

    session = session or require_session(req)
    principal = session.principal
    grants = active_grants(session, ctx.grant_store)
    lang = choose_language(req.params.get("lang"), None, session.language)
    return Caller(principal, grants, lang, client_address(req, ctx.settings))
