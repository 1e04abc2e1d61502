"""Storage round trips, recorded at the SDK's pipeline: what a request costs in Azure (SPEC 7).

    trips = RoundTrips()
    storage = trips.storage(settings)        # blob and table clients that report every request
    with trips.counting() as calls:
        ...                                  # the action
    assert len(calls) <= 4, calls            # calls: ("GET", "docids(PartitionKey=…)"), …

Each HTTP request the storage clients send, retries included, is one entry; the resource is
the request path without the account and the test's name prefix, so a failing assertion
shows which tables and blobs the action touched. The benchmarks count with the same hook.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.adapters.storage.clients import Storage
from shared.settings import Settings
from tests.support.azurite import ACCOUNT


class RoundTrips:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[tuple[str, str]] = []
        self.prefix = ""

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._calls)

    def hook(self, response: Any) -> None:
        """The clients' `raw_response_hook`: called once per HTTP response (one round trip)."""
        request = response.http_request
        path = urllib.parse.unquote(urllib.parse.urlsplit(request.url).path)
        # Azurite's path-style URLs start with the account; the prefix keeps tests apart.
        parts = [p for p in path.split("/") if p]
        if parts and parts[0] == ACCOUNT:
            parts = parts[1:]
        resource = "/".join(parts)
        if self.prefix and resource.startswith(self.prefix):
            resource = resource[len(self.prefix) :]
        with self._lock:
            self._calls.append((request.method, resource))

    def storage(self, settings: Settings) -> Storage:
        """Clients for `settings`' connection string that report every request to this recorder."""
        self.prefix = settings.storage_prefix
        cs = settings.storage_connection
        return Storage(
            BlobServiceClient.from_connection_string(cs, raw_response_hook=self.hook),
            TableServiceClient.from_connection_string(cs, raw_response_hook=self.hook),
            prefix=settings.storage_prefix,
        )

    @contextmanager
    def counting(self) -> Iterator[list[tuple[str, str]]]:
        """The requests sent inside the block (filled in when it ends)."""
        with self._lock:
            start = len(self._calls)
        calls: list[tuple[str, str]] = []
        try:
            yield calls
        finally:
            with self._lock:
                calls.extend(self._calls[start:])
