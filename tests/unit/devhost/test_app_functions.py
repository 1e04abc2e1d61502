"""The real app, as the dev host discovers it: every timer schedulable with the example settings,
every blob trigger on a container the app creates, no route on a reserved prefix."""

from __future__ import annotations

from pathlib import Path

from devhost.blobs import blob_targets
from devhost.local_settings import load_local_settings
from devhost.routes import is_reserved
from devhost.timers import timer_targets
from shared.adapters.storage.clients import CONTAINERS
from tests.support.client import fresh_app

ROOT = Path(__file__).resolve().parents[3]


def test_the_apps_functions_can_all_be_hosted() -> None:
    functions = list(fresh_app().get_functions())
    settings: dict[str, str] = {}
    load_local_settings(ROOT / "local.settings.example.json", settings)
    _, errors = timer_targets(functions, settings)
    assert errors == {}, f"timers the Functions host would refuse: {errors}"
    for target in blob_targets(functions):
        assert target.container in CONTAINERS
    for fn in functions:
        route = getattr(fn.get_trigger(), "route", None)
        assert route is None or not is_reserved(route)
