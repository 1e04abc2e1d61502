"""The filing functions as the Functions host indexes them: trigger kinds, paths, schedule."""

from __future__ import annotations

from typing import Any

from functions.filing import blob_name
from shared.settings import Settings
from tests.support.client import fresh_app


def functions_by_name() -> dict[str, Any]:
    return {fn.get_function_name(): fn for fn in fresh_app().get_functions()}


def test_blob_trigger_is_event_grid_on_incoming() -> None:
    trigger = functions_by_name()["file_incoming"].get_trigger()
    assert type(trigger).__name__ == "BlobTrigger"
    assert trigger.path == "incoming/{name}"
    assert trigger.connection == "AzureWebJobsStorage"
    assert str(getattr(trigger, "source", "")).lower().endswith("eventgrid")


def test_refile_timer_uses_the_settings_schedule_with_six_fields() -> None:
    """The host reads the schedule from app setting PORTAL_REFILE_SCHEDULE; its default has six fields."""
    trigger = functions_by_name()["refile"].get_trigger()
    assert trigger.schedule == "%PORTAL_REFILE_SCHEDULE%"
    assert len(Settings().refile_schedule.split()) == 6


def test_blob_name_drops_the_container_part_only() -> None:
    assert blob_name("incoming/100001/LAA/x.pdf") == "100001/LAA/x.pdf"
    assert blob_name("tprefixincoming/a/b") == "a/b"
