"""What every benchmark shares: where results go and how storage operations are counted."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


class OpCounter:
    """Counts every HTTP response the storage clients receive (one per storage operation).

    Pass `counter.hook` as the clients' `raw_response_hook`.
    """

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def hook(self, _response: Any) -> None:
        with self._lock:
            self.count += 1
