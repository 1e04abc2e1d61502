"""The process's composition root: handlers call `current()`; the dev host and tests
`install()` one of their own (another storage prefix, a clock they move) — the same code
runs either way. What the root builds is in shared/wiring/."""

from __future__ import annotations

import threading

from shared.adapters.rendering.templates import provide_site
from shared.wiring.app import AppContext, build

__all__ = ["AppContext", "build", "current", "install"]

_lock = threading.RLock()
_current: AppContext | None = None


def current() -> AppContext:
    global _current
    with _lock:
        if _current is None:
            _current = build()
        return _current


def install(ctx: AppContext | None) -> None:
    global _current
    with _lock:
        _current = ctx


provide_site(lambda: current().settings)
