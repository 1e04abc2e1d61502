"""A test-only FunctionApp and a factory for dev hosts running its blob watcher and timers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import azure.functions as func
import pytest

from devhost.host import DevHost
from shared import context
from shared.adapters.storage.clients import Storage
from shared.context import AppContext
from tests.support.devhost import CONCURRENT, RECEIVED, HostFactory

_received_lock = threading.Lock()


def make_app(*, every_second_timer: bool = False) -> func.FunctionApp:
    """Small app exercising what the dev host must carry: routes, bodies, a blob trigger, timers."""
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    barrier = threading.Barrier(CONCURRENT, timeout=10)

    @app.route(route="api/t/items/{id:int}", methods=None)
    def item(req: func.HttpRequest) -> func.HttpResponse:
        body = {
            "method": req.method,
            "id": req.route_params["id"],
            "params": dict(req.params),
            "thing": req.headers.get("x-thing"),
            "cookie": req.headers.get("cookie"),
            "forwarded": req.headers.get("x-forwarded-for"),
        }
        return func.HttpResponse(json.dumps(body), mimetype="application/json", headers={"Set-Cookie": "k=v; HttpOnly"})

    @app.route(route="api/t/echo", methods=None)
    def echo(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.get_body()[::-1], mimetype="application/octet-stream", status_code=201)

    @app.route(route="api/t/get-only", methods=["GET"])
    def get_only(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("ok")

    @app.route(route="api/t/together/{n}", methods=None)
    def together(req: func.HttpRequest) -> func.HttpResponse:
        # Answers only when CONCURRENT requests are inside at once: proves the host does not serialise.
        barrier.wait()
        return func.HttpResponse(req.route_params["n"])

    @app.route(route="api/t/boom", methods=None)
    def boom(req: func.HttpRequest) -> func.HttpResponse:
        raise RuntimeError("secret internals")

    @app.route(route="{*path}", methods=None)
    def catch_all(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse('{"status": 404}', status_code=404, mimetype="application/problem+json")

    @app.blob_trigger(arg_name="doc", path="incoming/{name}", connection="AzureWebJobsStorage")
    def on_incoming(doc: func.InputStream) -> None:
        metadata = getattr(doc, "metadata", None) or {}  # the concrete blob.InputStream has it
        with _received_lock:
            RECEIVED.setdefault(doc.name or "", []).append(
                {"data": doc.read(), "length": doc.length, "uri": doc.uri, "metadata": dict(metadata)}
            )
        if metadata.get("fail"):
            raise ValueError(f"cannot file {doc.name}")
        if metadata.get("delete"):
            name = (doc.name or "").removeprefix("incoming/")
            context.current().storage.container("incoming").delete_blob(name)

    @app.timer_trigger(schedule="0 0 0 1 1 *", arg_name="timer")
    def yearly(timer: func.TimerRequest) -> None:
        if timer.past_due:
            raise AssertionError("an on-demand run is not past due")

    @app.timer_trigger(schedule="0 0 0 * *", arg_name="timer")
    def five_fields(timer: func.TimerRequest) -> None:
        return None

    if every_second_timer:

        @app.timer_trigger(schedule="* * * * * *", arg_name="timer")
        def every_second(timer: func.TimerRequest) -> None:
            return None

    return app


@pytest.fixture
def make_host(ctx: AppContext, storage: Storage) -> Iterator[HostFactory]:
    """Start dev hosts on free ports against this test's storage; all stopped at the end."""
    started: list[DevHost] = []

    def start(**options: object) -> DevHost:
        app_options = {"every_second_timer": bool(options.pop("every_second_timer", False))}
        defaults: dict[str, object] = {
            "port": 0,
            "watch_blobs": True,
            "run_timers": True,
            "poll_interval": 0.05,
            "max_attempts": 3,
            "storage": lambda: storage,
            "settings": {},
        }
        host = DevHost(make_app(**app_options), **{**defaults, **options}).start()  # type: ignore[arg-type]
        started.append(host)
        return host

    try:
        yield start
    finally:
        for host in started:
            host.stop()
