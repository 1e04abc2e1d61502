"""The blob trigger, locally: poll the watched container and invoke each blob-trigger function
once per blob version (name + ETag), with receipts, bounded retries and poison records.

In Azure the app's blob trigger is fed by Event Grid; polling stands in for the events. Each
scan lists the container, skips versions already settled, and runs the rest on a small pool.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import AzureError, ResourceNotFoundError

from devhost.blob_binding import trigger_argument
from devhost.invocations import Invocation, Invocations
from devhost.receipts import POISON_TABLE, RECEIPTS_TABLE, ReceiptStore
from shared.services.filing import name_hash

log = logging.getLogger("devhost")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class BlobTarget:
    """One blob-trigger function and the part of a container it watches."""

    function: Any
    container: str
    pattern: re.Pattern[str]

    @property
    def name(self) -> str:
        return str(self.function.get_function_name())

    def wants(self, blob_name: str) -> bool:
        return self.pattern.fullmatch(blob_name) is not None


def blob_target(fn: Any) -> BlobTarget:
    """`incoming/{name}` → container `incoming`, every blob; `incoming/{name}.pdf` → only .pdf."""
    path = str(fn.get_trigger().path).strip("/")
    container, _, rest = path.partition("/")
    if not container or not rest:
        raise ValueError(f"blob trigger path {path!r} needs a container and a name pattern")
    regex, last = [], 0
    for found in _PLACEHOLDER.finditer(rest):
        regex.append(re.escape(rest[last : found.start()]))
        regex.append(f"(?P<{found.group(1)}>.+)")
        last = found.end()
    regex.append(re.escape(rest[last:]))
    return BlobTarget(fn, container, re.compile("".join(regex), re.DOTALL))


def blob_targets(functions: list[Any]) -> list[BlobTarget]:
    return [blob_target(fn) for fn in functions if type(fn.get_trigger()).__name__ == "BlobTrigger"]


class BlobWatcher:
    """Polls on a thread; `scan()` is one pass and can be called directly."""

    def __init__(
        self,
        storage: Callable[[], Any],
        targets: list[BlobTarget],
        invocations: Invocations,
        *,
        poll_interval: float = 0.5,
        max_attempts: int = 5,
        concurrency: int = 4,
    ) -> None:
        self._storage_factory = storage
        self.targets = targets
        self.invocations = invocations
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self._settled: set[tuple[str, str, str, str]] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._storage: Any = None
        self._receipts: ReceiptStore | None = None
        self.scans = 0
        self._scanned = threading.Condition()

    @property
    def receipts(self) -> ReceiptStore:
        if self._receipts is None:
            self._bind()
        assert self._receipts is not None
        return self._receipts

    def start(self) -> None:
        self._bind()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="devhost-blobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def wait_for_scans(self, count: int, timeout: float = 10.0) -> int:
        """Block until `count` scans completed in total (or TimeoutError); answers the total."""
        with self._scanned:
            if not self._scanned.wait_for(lambda: self.scans >= count, timeout):
                raise TimeoutError(f"only {self.scans} of {count} scans within {timeout} s")
            return self.scans

    def scan(self) -> int:
        """One pass over every watched container; answers how many invocations ran."""
        storage = self._storage if self._storage is not None else self._bind()
        work: list[tuple[BlobTarget, Any, str, str]] = []
        for container in sorted({t.container for t in self.targets}):
            client = storage.container(container)
            try:
                blobs = list(client.list_blobs())
            except ResourceNotFoundError:
                continue
            for blob in blobs:
                for target in self.targets:
                    key = (target.name, container, blob.name, blob.etag)
                    if target.container == container and target.wants(blob.name) and key not in self._settled:
                        work.append((target, client, blob.name, blob.etag))
        ran = 0
        if work:
            # Receipt reads happen on the pool too: a full container is checked in parallel.
            with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="devhost-blob") as pool:
                ran = sum(1 for result in pool.map(lambda item: self._check_and_process(*item), work) if result)
        with self._scanned:
            self.scans += 1
            self._scanned.notify_all()
        return ran

    def _bind(self) -> Any:
        self._storage = self._storage_factory()
        self._receipts = ReceiptStore(
            self._storage.table(RECEIPTS_TABLE), self._storage.table(POISON_TABLE), self.max_attempts
        )
        return self._storage

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.scan()
            except AzureError as exc:
                log.warning("blob watcher: storage did not answer (%s); retrying", type(exc).__name__)
            except Exception:
                # A bug here must not silently stop the trigger for the rest of the session.
                log.exception("blob watcher: scan failed; retrying")
            self._stop.wait(self.poll_interval)

    def _check_and_process(self, target: BlobTarget, client: Any, name: str, etag: str) -> bool:
        """Invoke unless the receipt says this version is settled (done or poisoned)."""
        receipt = self.receipts.get(target.name, target.container, name, etag)
        if receipt is not None and receipt.settled:
            self._settled.add((target.name, target.container, name, etag))
            return False
        return self._process(target, client, name, etag, receipt.attempts if receipt else 0)

    def _process(self, target: BlobTarget, client: Any, name: str, etag: str, failed_before: int) -> bool:
        attempts = failed_before + 1
        # Only the version this receipt is about: a blob replaced meanwhile is a new version.
        argument = trigger_argument(target.function, client.get_blob_client(name), target.container, etag)
        if argument is None:
            return False  # deleted or replaced since the listing: the next scan sees what is there now
        invocation: Invocation = self.invocations.run(
            target.function, argument, trigger="blob", source="watcher", subject=name
        )
        now = datetime.now(UTC)
        key = (target.name, target.container, name, etag)
        if invocation.error is None:
            self.receipts.succeeded(target.name, target.container, name, etag, attempts, now)
            self._settled.add(key)
        else:
            result = self.receipts.failed(target.name, target.container, name, etag, attempts, invocation.error, now)
            if result.settled:
                self._settled.add(key)
                log.error("blob %s name=%s poisoned after %d attempts", target.container, name_hash(name), attempts)
        return True
