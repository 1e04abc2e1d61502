"""Filing: the blob trigger on `incoming/{name}` (Event Grid source, as Flex Consumption
requires) and the `refile` timer for blobs whose event never came. Both only call the
service, which reads the blob from storage itself.

The trigger binds the SDK type `BlobClient` (azurefunctions-extensions-bindings-blob): the
host hands over the blob's name, not its content, so nothing is read before filing checks
the size (with `func.InputStream` the host downloaded the whole blob first, and filing then
read it again). Only the name is used; filing reads through the app's own clients."""

from __future__ import annotations

import logging

import azure.functions as func
import azurefunctions.extensions.bindings.blob as blob_types

from shared import context

log = logging.getLogger(__name__)
bp = func.Blueprint()


@bp.blob_trigger(
    arg_name="client", path="incoming/{name}", connection="AzureWebJobsStorage", source=func.BlobSource.EVENT_GRID
)
def file_incoming(client: blob_types.BlobClient) -> None:
    result = context.current().filing_service.file(client.blob_name)
    log.info("file_incoming: %s", result.outcome.value)


@bp.timer_trigger(arg_name="timer", schedule="%PORTAL_REFILE_SCHEDULE%", run_on_startup=False)
def refile(timer: func.TimerRequest) -> None:
    report = context.current().filing_service.refile()
    log.info("refile: examined=%d outcomes=%s errors=%d", report.examined, dict(report.outcomes), report.errors)
