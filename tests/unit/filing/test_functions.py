"""The filing functions as the Functions host indexes them: trigger kinds, paths, schedule."""

from __future__ import annotations

import typing
from typing import Any

from azurefunctions.extensions.bindings.blob.blobClientConverter import BlobClientConverter

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


def test_the_blob_trigger_binds_the_sdk_blob_client_so_the_host_reads_nothing() -> None:
    """The worker hands a trigger parameter the SDK type when the extension's converter accepts
    its annotation (deferred binding: the host sends the blob's name, not its content); with
    `func.InputStream` the host downloads the whole blob before filing can check its size."""
    fn = functions_by_name()["file_incoming"]
    hint = typing.get_type_hints(fn.get_user_function())[fn.get_trigger().name]
    assert BlobClientConverter.check_input_type_annotation(hint)
