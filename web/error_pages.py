"""The hook for browser error pages (SPEC 5, Errors): a request that accepts `text/html`
is to get a page in its language, rendered from the template `errors/page.html`, instead of
problem+json; API callers keep problem+json.

`endpoint()` calls `error_page` with every problem it answers. The pages themselves
(wording, the way back, the insurer's contact, how long to wait) belong to the
customer-experience issue, which renders them here; until then it returns None and every
caller gets problem+json.
"""

from __future__ import annotations

import azure.functions as func

from web.problems import HttpProblem

TEMPLATE = "errors/page.html"


def wants_page(req: func.HttpRequest) -> bool:
    """A browser navigating (Accept names text/html), not a script asking for JSON."""
    return "text/html" in (req.headers.get("accept") or "").lower()


def error_page(req: func.HttpRequest, problem: HttpProblem) -> func.HttpResponse | None:
    """The page for a browser, or None to answer problem+json."""
    return None
