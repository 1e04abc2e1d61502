"""Timer triggers on their NCRONTAB schedules, on a scheduler thread.

Like the Functions host, one timer never overlaps itself (an occurrence that comes while the
previous run is still busy is skipped and logged), `run_on_startup` runs it once at start, and
`%SETTING%` in a schedule is read from the app settings.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.functions.timer import TimerRequest

from devhost.invocations import Invocations
from devhost.ncrontab import Schedule, ScheduleError, parse, resolve

log = logging.getLogger("devhost")
PAST_DUE_AFTER = timedelta(seconds=5)


@dataclass(frozen=True)
class TimerTarget:
    function: Any
    schedule: Schedule
    run_on_startup: bool

    @property
    def name(self) -> str:
        return str(self.function.get_function_name())


def timer_targets(
    functions: list[Any], settings: Mapping[str, str], now: datetime | None = None
) -> tuple[list[TimerTarget], dict[str, str]]:
    """The app's timers with parsed schedules, and the errors of those that cannot be scheduled
    (the real host disables such a function and reports it; the others keep running)."""
    now = now or datetime.now(UTC)
    targets: list[TimerTarget] = []
    errors: dict[str, str] = {}
    for fn in functions:
        trigger = fn.get_trigger()
        if type(trigger).__name__ != "TimerTrigger":
            continue
        try:
            schedule = parse(resolve(str(trigger.schedule), dict(settings)))
            schedule.next_after(now)  # a schedule that never occurs is refused here, not in the loop
        except ScheduleError as exc:
            errors[fn.get_function_name()] = str(exc)
            continue
        targets.append(TimerTarget(fn, schedule, bool(trigger.run_on_startup)))
    return targets, errors


class TimerScheduler:
    def __init__(
        self,
        targets: list[TimerTarget],
        invocations: Invocations,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.targets = targets
        self.invocations = invocations
        self.now = now
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []

    def start(self) -> None:
        self._stop.clear()
        for target in self.targets:
            if target.run_on_startup:
                self.fire(target, "startup")
        self._thread = threading.Thread(target=self._loop, name="devhost-timers", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        for worker in self._workers:
            worker.join(timeout=30)

    def fire(self, target: TimerTarget, source: str, past_due: bool = False) -> bool:
        """Start one run on its own thread unless the previous run of this timer is still busy."""
        with self._lock:
            if target.name in self._busy:
                log.warning("timer %s still running; occurrence skipped", target.name)
                return False
            self._busy.add(target.name)
            self._workers = [w for w in self._workers if w.is_alive()]
            worker = threading.Thread(target=self._run, args=(target, source, past_due), daemon=True)
            self._workers.append(worker)
        worker.start()
        return True

    def _run(self, target: TimerTarget, source: str, past_due: bool) -> None:
        try:
            self.invocations.run(target.function, TimerRequest(past_due=past_due), trigger="timer", source=source)
        finally:
            with self._lock:
                self._busy.discard(target.name)

    def _loop(self) -> None:
        try:
            self._schedule()
        except Exception:
            log.exception("timer scheduler stopped")

    def _schedule(self) -> None:
        due = {t.name: t.schedule.next_after(self.now()) for t in self.targets}
        by_name = {t.name: t for t in self.targets}
        while not self._stop.is_set():
            if not due:
                self._stop.wait()
                return
            now = self.now()
            for name, when in list(due.items()):
                if when <= now:
                    self.fire(by_name[name], "schedule", past_due=now - when > PAST_DUE_AFTER)
                    due[name] = by_name[name].schedule.next_after(now)
            wait = (min(due.values()) - self.now()).total_seconds()
            self._stop.wait(max(0.0, min(wait, 60.0)))
