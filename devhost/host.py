"""The dev host: one object that owns the HTTP front end, the blob watcher and the timers."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from azure.functions.timer import TimerRequest

from devhost.http import HttpFrontEnd, http_routes

log = logging.getLogger("devhost")


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
    ) -> None:
        # get_functions() may only be called once per app (AZURE-NOTES).
        self.functions = list(app.get_functions())
        self.by_name = {fn.get_function_name(): fn for fn in self.functions}
        self.http = HttpFrontEnd(http_routes(self.functions, route_prefix), host, port, self._admin)
        self.watch_blobs = watch_blobs
        self.run_timers = run_timers
        self._services: list[Any] = []
        self._invoke_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http.port}"

    def start(self) -> DevHost:
        self.http.start()
        for service in self._services:
            service.start()
        log.info("dev host listening on %s (%d functions)", self.base_url, len(self.functions))
        return self

    def stop(self) -> None:
        for service in reversed(self._services):
            service.stop()
        self.http.stop()

    def add_service(self, service: Any) -> None:
        """A background part (blob watcher, timer scheduler) with start() and stop()."""
        self._services.append(service)

    def invoke_timer(self, name: str, past_due: bool = False) -> None:
        fn = self.by_name[name]
        log.info("timer %s invoked", name)
        fn.get_user_function()(TimerRequest(past_due=past_due))

    def _admin(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        """`POST /admin/functions/{name}` runs a non-HTTP function now, as the Functions host does."""
        parts = path.split("/")
        if len(parts) != 3 or parts[1].lower() != "functions":
            return 404, b""
        if method.upper() != "POST":
            return 405, b""
        fn = self.by_name.get(parts[2])
        if fn is None or type(fn.get_trigger()).__name__ == "HttpTrigger":
            return 404, b""
        if type(fn.get_trigger()).__name__ != "TimerTrigger":
            return 400, json.dumps({"error": "only timer functions can be invoked here"}).encode()
        threading.Thread(target=self._run_quietly, args=(parts[2],), daemon=True).start()
        return 202, b""

    def _run_quietly(self, name: str) -> None:
        try:
            self.invoke_timer(name)
        except Exception:
            log.exception("timer %s failed", name)
