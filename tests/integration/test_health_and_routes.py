"""The app's HTTP surface through the real dev host: health, catch-all 404, 405, reserved routes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from devhost.host import DevHost
from devhost.routes import is_reserved
from shared.context import AppContext


@pytest.fixture
def host(ctx: AppContext) -> Iterator[DevHost]:
    import function_app

    # A fresh app object per test: get_functions() may be called once per app.
    import importlib

    app = importlib.reload(function_app).app
    dev = DevHost(app, port=0, watch_blobs=False, run_timers=False).start()
    try:
        yield dev
    finally:
        dev.stop()


def call(url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_health_answers_ok_when_storage_answers(host: DevHost) -> None:
    status, headers, body = call(f"{host.base_url}/api/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_wrong_method_is_405_problem_with_allow(host: DevHost) -> None:
    status, headers, body = call(f"{host.base_url}/api/health", method="DELETE")
    assert status == 405
    assert headers["Content-Type"].startswith("application/problem+json")
    assert headers["Allow"] == "GET"
    assert json.loads(body)["status"] == 405


def test_unknown_path_is_problem_404(host: DevHost) -> None:
    status, headers, body = call(f"{host.base_url}/api/no/such/thing")
    assert status == 404
    assert headers["Content-Type"].startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["title"] == "Not found" and problem["status"] == 404


def test_no_route_uses_a_reserved_prefix() -> None:
    import importlib

    import function_app

    app = importlib.reload(function_app).app
    for fn in app.get_functions():
        route = getattr(fn.get_trigger(), "route", None)
        if route is not None:
            assert not is_reserved(route), f"{fn.get_function_name()} uses reserved route {route}"
