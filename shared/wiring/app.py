"""The composition root: one object per process (or per test) that holds the settings, the
clock and the SDK clients and builds every adapter and service from them, each once.

The way warehouse registers service factories in `includeme`, each area adds its own part:
`stores.py` (one adapter per container and table), `identity.py` (Entra, Graph, tokens, SAS)
and `use_cases.py` (the services). Handlers get it from `shared.context.current()`.
"""

from __future__ import annotations

from azure.core.credentials import TokenCredential

from shared.adapters.storage.clients import connect
from shared.clock import Clock, SystemClock
from shared.settings import Settings, load_settings
from shared.wiring.use_cases import UseCases


class AppContext(UseCases):
    """Settings, clock, storage clients, and every adapter and service built from them."""


def build(
    settings: Settings | None = None, clock: Clock | None = None, credential: TokenCredential | None = None
) -> AppContext:
    """`credential`: the operator's sign-in for the CLI against Azure; the app's managed identity by default."""
    settings = settings or load_settings()
    return AppContext(settings=settings, clock=clock or SystemClock(), storage=connect(settings, credential))
