"""A small HTTP client for tests: requests.Session with a base URL."""

from __future__ import annotations

import importlib
from typing import Any

import requests


class Client(requests.Session):
    """Relative URLs go to the dev host. Redirects are not followed unless asked — except by
    `get()`/`options()`, which requests calls with `allow_redirects=True` explicitly: pass
    `allow_redirects=False` where a test looks at the redirect itself."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        target = url.decode() if isinstance(url, bytes) else url
        if target.startswith("/"):
            target = self.base_url + target
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, target, *args, **kwargs)


def fresh_app() -> Any:
    """A new FunctionApp object: `get_functions()` may be called only once per app."""
    import function_app

    return importlib.reload(function_app).app
