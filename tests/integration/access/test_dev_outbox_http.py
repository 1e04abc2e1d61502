"""`GET /api/dev/outbox`: JSON newest first, a readable HTML view, 404 outside local mode."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.clock import MutableClock
from shared.context import AppContext
from tests.support.access import valid_payload
from tests.support.client import Client


def test_json_lists_mails_newest_first(http: Client, ctx: AppContext, clock: MutableClock) -> None:
    assert http.post("/api/access-request", json=valid_payload()).status_code == 202
    clock.advance(timedelta(minutes=1))
    ctx.outbox_store.enqueue("x@versicherer.ch", "Later", "body https://example.ch/a", "<p>b</p>", "en", "test")
    resp = http.get("/api/dev/outbox")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    items = resp.json()
    assert items[0]["subject"] == "Later"
    assert items[1]["to"] == "anna.muster@muster-bau.ch"
    assert {"to", "subject", "text", "html", "created"} <= set(items[1])
    assert items[0]["created"] > items[1]["created"]
    assert len(http.get("/api/dev/outbox?limit=1").json()) == 1
    assert http.get("/api/dev/outbox?limit=0").status_code == 400
    assert http.get("/api/dev/outbox?limit=abc").status_code == 400


def test_html_view_for_browsers_with_clickable_links(http: Client, ctx: AppContext) -> None:
    assert http.post("/api/access-request", json=valid_payload()).status_code == 202
    ctx.outbox_store.enqueue("x@versicherer.ch", "<b>Subject</b>", "text", "<script>x</script>", "en", "test")
    resp = http.get("/api/dev/outbox", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    assert "anna.muster@muster-bau.ch" in resp.text
    assert '<a href="http://127.0.0.1:7071/api/access-request/verify?token=' in resp.text
    assert "<script>x</script>" not in resp.text and "&lt;b&gt;Subject&lt;/b&gt;" in resp.text
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert http.get("/api/dev/outbox?view=html").headers["Content-Type"].startswith("text/html")


def test_not_found_outside_local_mode(http: Client, ctx: AppContext) -> None:
    ctx.settings = replace(ctx.settings, local_mode=False)
    resp = http.get("/api/dev/outbox")
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert http.get("/api/dev/outbox", headers={"Accept": "text/html"}).status_code == 404


def test_wrong_method_is_405(http: Client) -> None:
    resp = http.post("/api/dev/outbox", json={})
    assert resp.status_code == 405 and resp.headers["Allow"] == "GET"
