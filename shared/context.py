"""Composition root: the settings, clock and storage the handlers work with.

Handlers call `current()`; the dev host and tests `install()` a context of their own
(another storage prefix, a clock they move) — the same code runs either way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from shared.adapters.storage.clients import Storage, connect
from shared.clock import Clock, SystemClock
from shared.settings import Settings, load_settings


@dataclass
class AppContext:
    settings: Settings
    clock: Clock
    storage: Storage
    # Adapters built once per context by the modules that own them (see `memo`).
    cache: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, factory: Any) -> Any:
        """Build an adapter once per context; keeps module-level singletons out of the app."""
        with _lock:
            if key not in self.cache:
                self.cache[key] = factory()
            return self.cache[key]


_lock = threading.RLock()
_current: AppContext | None = None


def build(settings: Settings | None = None, clock: Clock | None = None, credential: Any = None) -> AppContext:
    settings = settings or load_settings()
    return AppContext(settings=settings, clock=clock or SystemClock(), storage=connect(settings, credential))


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
