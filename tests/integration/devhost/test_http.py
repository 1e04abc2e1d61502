"""The dev host's HTTP front end with a test-only app: templates, methods, headers, bodies, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from tests.support.devhost import CONCURRENT, HostFactory


def test_route_parameters_query_headers_and_cookies_reach_the_function(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, run_timers=False)
    resp = requests.get(
        f"{host.base_url}/api/t/items/42?q=a&x=",
        headers={"X-Thing": "yes", "Cookie": "sid=abc; lang=fr", "X-Forwarded-For": "203.0.113.9"},
        timeout=10,
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["id"] == "42" and body["method"] == "GET"
    assert body["params"] == {"q": "a", "x": ""}
    assert body["thing"] == "yes"
    assert body["cookie"] == "sid=abc; lang=fr"
    # Azure's front end appends the real peer; the value the client chose stays on the left.
    assert body["forwarded"].startswith("203.0.113.9, 127.0.0.1:")
    assert resp.cookies.get("k") == "v"


def test_a_constraint_that_does_not_match_falls_through_to_the_catch_all(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, run_timers=False)
    resp = requests.get(f"{host.base_url}/api/t/items/abc", timeout=10)
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert requests.get(f"{host.base_url}/api/t/echo", timeout=10).status_code == 201  # literal beats catch-all


def test_binary_request_and_response_bodies_survive_byte_for_byte(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, run_timers=False)
    payload = bytes(range(256)) * 300
    resp = requests.post(f"{host.base_url}/api/t/echo", data=payload, timeout=10)
    assert resp.status_code == 201
    assert resp.headers["Content-Type"] == "application/octet-stream"
    assert resp.content == payload[::-1]


def test_a_method_the_route_does_not_list_gets_the_hosts_empty_404(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, run_timers=False)
    assert requests.get(f"{host.base_url}/api/t/get-only", timeout=10).text == "ok"
    resp = requests.post(f"{host.base_url}/api/t/get-only", timeout=10)
    assert resp.status_code == 404 and resp.content == b""


def test_requests_are_served_concurrently(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, run_timers=False)
    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(lambda n: requests.get(f"{host.base_url}/api/t/together/{n}", timeout=20), range(4)))
    assert [a.status_code for a in answers] == [200] * CONCURRENT
    assert sorted(a.text for a in answers) == ["0", "1", "2", "3"]


def test_an_unhandled_error_is_an_empty_500_without_internals(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, run_timers=False)
    resp = requests.get(f"{host.base_url}/api/t/boom", timeout=10)
    assert resp.status_code == 500
    assert b"secret" not in resp.content and b"Traceback" not in resp.content


def test_reserved_prefixes_never_reach_the_app(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, run_timers=False)
    assert requests.get(f"{host.base_url}/runtime/webhooks/blobs", timeout=10).status_code == 404
    assert requests.get(f"{host.base_url}/runtime/webhooks/blobs", timeout=10).content == b""


def test_the_host_binds_to_loopback_only() -> None:
    from devhost.http import HttpFrontEnd

    try:
        HttpFrontEnd([], "0.0.0.0", 0, lambda m, p, b: (404, b""))  # noqa: S104 - the refusal is the point
    except ValueError as exc:
        assert "loopback" in str(exc)
    else:
        raise AssertionError("binding to all interfaces must be refused")


def test_a_bad_or_oversized_content_length_is_refused_before_the_function(make_host: HostFactory) -> None:
    import socket

    host = make_host(watch_blobs=False, run_timers=False)
    for length, status in (("abc", b"400"), (str(200 * 1024 * 1024), b"413")):
        with socket.create_connection(("127.0.0.1", host.http.port), timeout=10) as sock:
            sock.sendall(f"POST /api/t/echo HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode())
            assert sock.recv(64).split(b" ")[1] == status
