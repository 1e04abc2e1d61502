"""A record of every non-HTTP invocation, so the admin API can answer 202 at once while tests
(and people) can still wait for the outcome — on a condition with a deadline, never by sleeping."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.services.filing import name_hash

log = logging.getLogger("devhost")


@dataclass
class Invocation:
    function: str
    trigger: str  # "timer" or "blob"
    source: str  # "schedule", "startup", "admin", "watcher"
    subject: str = ""  # the blob name for blob triggers
    error: str | None = None
    elapsed_ms: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def ok(self) -> bool:
        return self.done.is_set() and self.error is None


class Invocations:
    """Finished and running invocations (the last few thousand), observable with `wait`."""

    def __init__(self, keep: int = 5000) -> None:
        self._items: deque[Invocation] = deque(maxlen=keep)
        self._changed = threading.Condition()

    def run(self, fn: Any, argument: Any, *, trigger: str, source: str, subject: str = "") -> Invocation:
        """Call the function with its trigger binding, record the outcome, log one line."""
        invocation = Invocation(fn.get_function_name(), trigger, source, subject)
        with self._changed:
            self._items.append(invocation)
        started = time.perf_counter()
        try:
            result = fn.get_user_function()(**{fn.get_trigger().name: argument})
            if inspect.isawaitable(result):
                asyncio.run(_awaited(result))
        except Exception as exc:  # any failure of the user's function is an outcome to record
            invocation.error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("function %s failed: %s", invocation.function, type(exc).__name__, exc_info=True)
        invocation.elapsed_ms = (time.perf_counter() - started) * 1000
        log.info(
            "%s %s (%s%s) -> %s (%.1f ms)",
            trigger,
            invocation.function,
            source,
            # Blob names carry customer and claim numbers: log the same short hash the filing
            # service logs, so the two lines can be matched without personal data in the log.
            f" name={name_hash(subject)}" if subject else "",
            "ok" if invocation.error is None else "failed",
            invocation.elapsed_ms,
        )
        with self._changed:
            invocation.done.set()
            self._changed.notify_all()
        return invocation

    def finished(self, match: Callable[[Invocation], bool] | None = None) -> list[Invocation]:
        with self._changed:
            return [i for i in self._items if i.done.is_set() and (match is None or match(i))]

    def wait(
        self, match: Callable[[Invocation], bool], count: int = 1, timeout: float = 10.0
    ) -> list[Invocation]:
        """Block until `count` finished invocations match, or raise TimeoutError after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [i for i in self._items if i.done.is_set() and match(i)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(found)} of {count} invocations finished within {timeout} s")
                self._changed.wait(remaining)


async def _awaited(result: Any) -> Any:
    return await result
