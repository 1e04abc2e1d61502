"""Rate limits over HTTP with the injected clock: per client (a spoofed X-Forwarded-For does not
escape) and per e-mail address; 429 with Retry-After, for JSON and for the browser form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from shared.clock import MutableClock
from shared.context import AppContext
from tests.support.access import form_fields, mails_in, requests_in, valid_payload
from tests.support.client import Client

URL = "/api/access-request"


def _limit(ctx: AppContext, **limits: Any) -> None:
    ctx.settings = ctx.settings.with_overrides(**limits)


def test_one_client_is_limited_and_a_spoofed_forwarded_for_does_not_escape(
    http: Client, ctx: AppContext, clock: MutableClock
) -> None:
    """GIVEN a limit of 3 per client WHEN a 4th arrives, claiming another address THEN 429 until the window ends."""
    _limit(ctx, rate_limit_client_per_hour=3)
    for n in range(3):
        resp = http.post(
            URL, json=valid_payload(email=f"person{n}@muster-bau.ch"), headers={"X-Forwarded-For": f"203.0.113.{n}"}
        )
        assert resp.status_code == 202
    clock.advance(timedelta(minutes=15))
    blocked = http.post(
        URL, json=valid_payload(email="person9@muster-bau.ch"), headers={"X-Forwarded-For": "198.51.100.77"}
    )
    assert blocked.status_code == 429
    assert blocked.headers["Content-Type"].startswith("application/problem+json")
    assert blocked.headers["Retry-After"] == str(45 * 60)
    assert len(requests_in(ctx)) == 3
    clock.advance(timedelta(minutes=45))
    assert http.post(URL, json=valid_payload(email="person9@muster-bau.ch")).status_code == 202
    assert len(requests_in(ctx)) == 4


def test_one_address_is_limited_across_clients(http: Client, ctx: AppContext, clock: MutableClock) -> None:
    """GIVEN a limit of 2 per address WHEN the same address asks a 3rd time THEN 429, and no further mail."""
    _limit(ctx, rate_limit_email_per_hour=2, client_ip_header="x-azure-clientip")
    for n in range(2):
        resp = http.post(URL, json=valid_payload(), headers={"X-Azure-ClientIP": f"192.0.2.{n}"})
        assert resp.status_code == 202
    blocked = http.post(
        URL, json=valid_payload(email="ANNA.MUSTER@muster-bau.ch"), headers={"X-Azure-ClientIP": "192.0.2.50"}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) == 3600
    assert len(mails_in(ctx)) == 2
    # another address from the same client is still fine
    ok = http.post(URL, json=valid_payload(email="beat@muster-bau.ch"), headers={"X-Azure-ClientIP": "192.0.2.50"})
    assert ok.status_code == 202
    clock.advance(timedelta(hours=1))
    assert http.post(URL, json=valid_payload(), headers={"X-Azure-ClientIP": "192.0.2.9"}).status_code == 202


def test_invalid_input_does_not_count(http: Client, ctx: AppContext) -> None:
    _limit(ctx, rate_limit_client_per_hour=1)
    for _ in range(3):
        assert http.post(URL, json=valid_payload(email="info@muster-bau.ch")).status_code == 422
    assert http.post(URL, json=valid_payload()).status_code == 202


def test_browser_form_gets_a_page_with_retry_after(
    http: Client, ctx: AppContext, open_form: Callable[..., str]
) -> None:
    _limit(ctx, rate_limit_client_per_hour=1)
    token = open_form("de")
    first = http.post(URL + "?lang=de", data=form_fields(valid_payload(), token))
    assert first.status_code == 202
    second = http.post(URL + "?lang=de", data=form_fields(valid_payload(email="beat@muster-bau.ch"), token))
    assert second.status_code == 429
    assert second.headers["Retry-After"] == "3600"
    assert second.headers["Content-Type"].startswith("text/html")
    assert "Es wurden zu viele Anträge gesendet" in second.text
    assert 'value="beat@muster-bau.ch"' in second.text  # nothing typed is lost


def test_an_ipv6_client_counts_by_its_64_whatever_port_or_address(http: Client, ctx: AppContext) -> None:
    """GIVEN a limit of 2 per client WHEN one IPv6 subscriber sends from several addresses of its
    /64, bracketed with ports as Azure appends them THEN the third is 429; another /64 is fine."""
    _limit(ctx, rate_limit_client_per_hour=2, client_ip_header="x-azure-clientip")
    sources = ["[2001:db8:1:2::1]:443", "[2001:db8:1:2::ffff]:8443", "2001:db8:1:2:abcd::9"]
    answers = [
        http.post(URL, json=valid_payload(email=f"p{n}@muster-bau.ch"), headers={"X-Azure-ClientIP": src}).status_code
        for n, src in enumerate(sources)
    ]
    assert answers == [202, 202, 429]
    other_64 = {"X-Azure-ClientIP": "[2001:db8:1:3::1]:443"}
    other = http.post(URL, json=valid_payload(email="p9@muster-bau.ch"), headers=other_64)
    assert other.status_code == 202
