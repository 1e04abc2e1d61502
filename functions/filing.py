"""Filing: the blob trigger on `incoming/{name}` (Event Grid source, as Flex Consumption
requires) and the `refile` timer for blobs whose event never came. Both only call the
service, which reads the blob from storage itself."""

from __future__ import annotations

import logging

import azure.functions as func

from shared import context

log = logging.getLogger(__name__)
bp = func.Blueprint()


def blob_name(path: str) -> str:
    """`incoming/<name>` as the trigger gives it → `<name>` (the container part is not ours to trust)."""
    return path.partition("/")[2] if "/" in path else path


@bp.blob_trigger(
    arg_name="blob", path="incoming/{name}", connection="AzureWebJobsStorage", source=func.BlobSource.EVENT_GRID
)
def file_incoming(blob: func.InputStream) -> None:
    result = context.current().filing_service.file(blob_name(blob.name or ""))
    log.info("file_incoming: %s", result.outcome.value)


@bp.timer_trigger(arg_name="timer", schedule="%PORTAL_REFILE_SCHEDULE%", run_on_startup=False)
def refile(timer: func.TimerRequest) -> None:
    report = context.current().filing_service.refile()
    log.info("refile: examined=%d outcomes=%s errors=%d", report.examined, dict(report.outcomes), report.errors)
