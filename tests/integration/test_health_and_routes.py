"""The app's HTTP surface through the real dev host: health, catch-all 404, 405, reserved routes."""

from __future__ import annotations

from devhost.routes import is_reserved
from shared.context import AppContext
from tests.support.client import Client, fresh_app


def test_health_answers_ok_when_storage_answers(http: Client) -> None:
    resp = http.get("/api/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_hsts_outside_local_mode_only(http: Client, ctx: AppContext) -> None:
    """GIVEN the app in Azure (not local mode) THEN every answer, errors included, carries HSTS;
    the local dev host (plain HTTP on 127.0.0.1) never pins HTTPS."""
    assert "Strict-Transport-Security" not in http.get("/api/health").headers
    ctx.settings = ctx.settings.with_overrides(local_mode=False)
    for resp in (http.get("/api/health"), http.get("/api/no/such/thing"), http.delete("/api/health")):
        assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_wrong_method_is_405_problem_with_allow(http: Client) -> None:
    resp = http.delete("/api/health")
    assert resp.status_code == 405
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert resp.headers["Allow"] == "GET"
    assert resp.json()["status"] == 405


def test_unknown_path_is_problem_404(http: Client) -> None:
    resp = http.get("/api/no/such/thing")
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert resp.json()["status"] == 404


def test_reserved_prefixes_are_not_served_by_the_app(http: Client) -> None:
    assert http.get("/runtime/webhooks/blobs").status_code == 404
    assert http.get("/admin/host/status").status_code == 404


def test_no_route_uses_a_reserved_prefix() -> None:
    for fn in fresh_app().get_functions():
        route = getattr(fn.get_trigger(), "route", None)
        if route is not None:
            assert not is_reserved(route), f"{fn.get_function_name()} uses reserved route {route}"
