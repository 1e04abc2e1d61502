"""What every benchmark shares: where results go and how storage operations are counted."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.adapters.storage.clients import Storage

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


def write_results(stem: str, report: Any) -> Path:
    """Write a run's JSON to bench/results/<stem>-<UTC time>.json (git-ignored)."""
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{stem}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    return out


def counted_storage(connection_string: str, counter: OpCounter, prefix: str = "bench") -> Storage:
    """Blob and Table clients whose every response `counter` counts, containers and tables made."""
    storage = Storage(
        BlobServiceClient.from_connection_string(connection_string, raw_response_hook=counter.hook),
        TableServiceClient.from_connection_string(connection_string, raw_response_hook=counter.hook),
        prefix=prefix,
    )
    storage.ensure()
    return storage
