"""Cold start (SPEC 7): `import function_app` loads the Functions SDK, the storage SDKs and our
own light modules only; every heavier library is imported where it is first used, so a new
instance does not pay for it before its first request. bench/coldstart.py measures the time;
this keeps the lazy imports from regressing, in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.client import fresh_app

ROOT = Path(__file__).resolve().parents[2]

# Libraries a handler needs only once it runs: PDF parsing (filing), pyjwt and msal (sign-in),
# Babel and jinja2 (the first page or mail), e-mail syntax (forms), azure-identity (Azure only),
# and what they bring in. azure-identity and msal are not in the list: the blob trigger's SDK-type
# binding (azurefunctions-extensions-bindings-blob, issue 10: nothing read before the size check)
# imports azure.identity, which imports msal, when functions/filing.py declares its BlobClient
# parameter, so the host can resolve the type at registration.
HEAVY = (
    "pypdf", "jwt", "babel", "jinja2", "email_validator", "fpdf", "PIL", "fontTools",
    # Our own modules a handler imports when it first runs (issue 14): registration needs only
    # azure.functions, the blueprints and web.http's `endpoint`, and loading the rest up front
    # (many frozen dataclasses and enums) cost a new instance ~70 ms CPU on a quiet machine.
    # Every use case; the identity and mail adapters (the composition root builds them at first
    # use); the domain rules only a request applies (documents, languages and lines load with
    # the page renderer under shared.context and are not listed); and the pages, the error page
    # included (web.errors names the exceptions it maps by dotted name, so it imports none).
    "shared.services",
    "shared.adapters.identity", "shared.adapters.mail", "shared.adapters.content",
    "shared.domain.access_request", "shared.domain.audit", "shared.domain.companies", "shared.domain.eligibility",
    "shared.domain.emails", "shared.domain.identity", "shared.domain.issued_links", "shared.domain.notifications",
    "shared.domain.outbox", "shared.domain.rate_limit", "shared.domain.retention", "shared.domain.search",
    "shared.domain.sessions", "shared.domain.signin", "shared.domain.timestamps",
    "web.access_pages", "web.advisor_pages", "web.error_pages", "web.form_tokens", "web.privacy_page",
)

PROBE = """
import gc, json, sys
import function_app
print(json.dumps({"modules": sorted(sys.modules), "functions": sorted(
    f.get_function_name() for f in function_app.app.get_functions()), "gc": gc.isenabled()}))
"""


def _fresh_import() -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def test_importing_the_app_loads_no_heavy_library_and_registers_every_function() -> None:
    result = _fresh_import()
    loaded = sorted({h for h in HEAVY for m in result["modules"] if m == h or m.startswith(h + ".")})
    assert loaded == [], f"imported by `import function_app`, should be imported where first used: {loaded}"
    # Lazy imports must not lose a function: the fresh process registers what the full app does.
    everything = sorted(f.get_function_name() for f in fresh_app().get_functions())
    assert result["functions"] == everything
    assert len(everything) >= 31
    assert result["gc"] is True, "function_app pauses the garbage collector while importing, and must resume it"


def test_the_storage_adapters_are_built_on_first_use() -> None:
    """The composition root imports an adapter when it first builds it (shared/wiring/)."""
    modules = set(_fresh_import()["modules"])
    assert "shared.adapters.storage.index" not in modules
    assert "shared.adapters.storage.purges" not in modules
    assert "shared.adapters.content.pdf" not in modules
    assert "zoneinfo" not in modules
