"""What every part of the composition root builds from: settings, the clock and the SDK clients.

Nothing below the root sees it: adapters get SDK clients and settings, services get their ports.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from shared.adapters.storage.clients import Storage
from shared.clock import Clock
from shared.settings import Settings


class Root:
    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        storage: Storage,
        *,
        identity_http: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.storage = storage
        # One HTTP session for Entra and Graph per process; tests pass one that trusts their fake.
        self.identity_http = identity_http or requests.Session()
        # How the Graph client waits before a retry; tests record instead of waiting.
        self.sleep = sleep
