"""Liveness with a real dependency check, and the catch-all 404 for unknown paths."""

from __future__ import annotations

import logging

import azure.functions as func

from shared import context
from web.http import endpoint, json_response
from web.problems import NotFound

bp = func.Blueprint()
log = logging.getLogger("portal.health")


@bp.route(route="api/health", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def health(req: func.HttpRequest) -> func.HttpResponse:
    storage = context.current().storage
    # An AzureError here answers 503 "Storage does not answer." through the error table.
    next(iter(storage.table_service.list_tables(results_per_page=1)), None)
    storage.container("documents").exists()
    return json_response({"status": "ok"})


@bp.route(route="{*path}", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
def not_found(req: func.HttpRequest) -> func.HttpResponse:
    raise NotFound("No resource lives at this address.")
