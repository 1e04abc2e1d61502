"""The dev host: one object that owns the HTTP front end, the blob watcher and the timers."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.functions.timer import TimerRequest

from devhost.blob_binding import trigger_argument
from devhost.blobs import BlobTarget, BlobWatcher, blob_targets
from devhost.http import HttpFrontEnd, http_routes
from devhost.invocations import Invocation, Invocations
from devhost.timers import TimerScheduler, TimerTarget, timer_targets

log = logging.getLogger("devhost")


def _context_storage() -> Any:
    from shared import context

    return context.current().storage


class DevHost:
    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 7071,
        *,
        route_prefix: str = "",
        watch_blobs: bool = True,
        run_timers: bool = True,
        poll_interval: float = 0.5,
        max_attempts: int = 5,
        blob_concurrency: int = 4,
        storage: Callable[[], Any] = _context_storage,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        # get_functions() may only be called once per app (AZURE-NOTES).
        self.functions = list(app.get_functions())
        self.by_name = {fn.get_function_name().lower(): fn for fn in self.functions}
        self.invocations = Invocations()
        self.http = HttpFrontEnd(http_routes(self.functions, route_prefix), host, port, self._admin)
        self.storage = storage
        self.blob_targets: list[BlobTarget] = blob_targets(self.functions)
        timers, self.schedule_errors = timer_targets(self.functions, os.environ if settings is None else settings)
        self.timer_targets: dict[str, TimerTarget] = {t.name.lower(): t for t in timers}
        self.watch_blobs = watch_blobs
        self.run_timers = run_timers
        self._services: list[Any] = []
        self._stopped = False
        self.blob_watcher: BlobWatcher | None = None
        self.scheduler = TimerScheduler(timers, self.invocations)
        if watch_blobs and self.blob_targets:
            self.blob_watcher = BlobWatcher(
                storage,
                self.blob_targets,
                self.invocations,
                poll_interval=poll_interval,
                max_attempts=max_attempts,
                concurrency=blob_concurrency,
            )
            self.add_service(self.blob_watcher)
        if run_timers:
            for name, error in self.schedule_errors.items():
                log.error("timer %s is not scheduled: %s", name, error)
            if timers:
                self.add_service(self.scheduler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http.port}"

    def start(self) -> DevHost:
        self.http.start()
        for service in self._services:
            service.start()
        log.info(
            "dev host listening on %s (%d functions: %d blob, %d timer)",
            self.base_url,
            len(self.functions),
            len(self.blob_targets),
            len(self.timer_targets),
        )
        return self

    def stop(self) -> None:
        """Stop everything; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        for service in reversed(self._services):
            service.stop()
        self.http.stop()

    def add_service(self, service: Any) -> None:
        """A background part (blob watcher, timer scheduler) with start() and stop()."""
        self._services.append(service)

    def invoke_timer(self, name: str, past_due: bool = False) -> Invocation:
        """Run a timer function now, on this thread."""
        fn = self.by_name[name.lower()]
        return self.invocations.run(fn, TimerRequest(past_due=past_due), trigger="timer", source="admin")

    def invoke_blob(self, name: str, blob_path: str) -> Invocation:
        """Run a blob-trigger function on one blob now (no receipt: an explicit request, as the host's)."""
        fn = self.by_name[name.lower()]
        container, _, blob_name = blob_path.strip("/").partition("/")
        client = self.storage().container(container).get_blob_client(blob_name)
        argument = trigger_argument(fn, client, container)
        if argument is None:
            raise ResourceNotFoundError(f"no blob {blob_path!r}")  # as the host: nothing to run on
        return self.invocations.run(fn, argument, trigger="blob", source="admin", subject=blob_name)

    def _admin(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        """`POST /admin/functions/{name}` runs a non-HTTP function now and answers 202, as the host does.

        Body `{"input": ...}`: ignored for timers, the blob path (`incoming/…`) for blob triggers.
        Wait for the outcome with `host.invocations.wait(...)`.
        """
        parts = path.split("/")
        if len(parts) != 3 or parts[1].lower() != "functions":
            return 404, b""
        fn = self.by_name.get(parts[2].lower())
        if fn is None or type(fn.get_trigger()).__name__ == "HttpTrigger":
            return 404, b""
        if method.upper() != "POST":
            return 405, b""
        kind = type(fn.get_trigger()).__name__
        if kind == "TimerTrigger":
            target = self.timer_targets.get(parts[2].lower())
            if target is not None:
                # Through the scheduler, so an on-demand run never overlaps a scheduled one.
                self.scheduler.fire(target, "admin")
            else:
                threading.Thread(target=self.invoke_timer, args=(parts[2],), daemon=True).start()
            return 202, b""
        if kind == "BlobTrigger":
            blob_path = _input(body)
            if not blob_path or "/" not in blob_path:
                return 400, json.dumps({"error": "give the blob path as {\"input\": \"container/name\"}"}).encode()
            threading.Thread(target=self._invoke_blob_quietly, args=(parts[2], blob_path), daemon=True).start()
            return 202, b""
        return 400, json.dumps({"error": "only timer and blob functions can be invoked here"}).encode()

    def _invoke_blob_quietly(self, name: str, blob_path: str) -> None:
        try:
            self.invoke_blob(name, blob_path)
        except ResourceNotFoundError:
            log.warning("admin invoke of %s: blob not found", name)


def _input(body: bytes) -> str:
    try:
        document = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ""
    value = document.get("input") if isinstance(document, dict) else None
    return value if isinstance(value, str) else ""
