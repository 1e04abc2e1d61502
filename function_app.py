"""The Azure Functions app: creates the app and registers one blueprint per capability."""

import azure.functions as func

from functions import (
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
