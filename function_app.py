"""The Azure Functions app: creates the app and registers one blueprint per capability.

Cold start (SPEC 7): the cyclic garbage collector pauses while the app is imported (an import
makes objects, not garbage, and each full pass over the SDKs' objects cost tens of ms), then
what the import made is frozen out of later passes, once per process, and collection resumes.
"""

import gc

_collecting = gc.isenabled()
gc.disable()

import azure.functions as func  # noqa: E402 - imported with the collector paused

from functions import (  # noqa: E402
    access_request,
    advisor,
    advisor_company,
    auth,
    dev,
    dev_outbox,
    digest,
    documents,
    filing,
    health,
    mail,
    notifications,
    portal,
    quarantine_summary,
    retention_timer,
    static,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (
    access_request.bp,
    filing.bp,
    retention_timer.bp,
    quarantine_summary.bp,
    documents.bp,
    portal.bp,
    advisor.bp,
    advisor_company.bp,
    auth.bp,
    dev.bp,
    dev_outbox.bp,
    mail.bp,
    digest.bp,
    notifications.bp,
    static.bp,
    health.bp,
):
    app.register_functions(blueprint)

if gc.get_freeze_count() == 0:
    gc.freeze()
if _collecting:
    gc.enable()
