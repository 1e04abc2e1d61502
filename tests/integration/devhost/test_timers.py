"""Timers through the dev host: on demand with POST /admin/functions/{name} (202, as the host),
on their schedule, and a five-field schedule refused like the real host refuses it."""

from __future__ import annotations

import requests

from tests.support.devhost import HostFactory


def test_a_timer_runs_on_demand_through_the_admin_api(make_host: HostFactory) -> None:
    """GIVEN a yearly timer WHEN POST /admin/functions/yearly THEN 202 at once and one run, not past due."""
    host = make_host(watch_blobs=False)
    resp = requests.post(f"{host.base_url}/admin/functions/yearly", json={"input": ""}, timeout=10)
    assert resp.status_code == 202
    [run] = host.invocations.wait(lambda inv: inv.function == "yearly", timeout=10)
    assert run.ok, run.error
    assert run.trigger == "timer" and run.source == "admin"


def test_the_admin_api_answers_like_the_host_for_wrong_requests(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, run_timers=False)
    assert requests.post(f"{host.base_url}/admin/functions/no_such", timeout=10).status_code == 404
    assert requests.post(f"{host.base_url}/admin/functions/echo", timeout=10).status_code == 404  # HTTP function
    assert requests.get(f"{host.base_url}/admin/functions/yearly", timeout=10).status_code == 405
    assert requests.post(f"{host.base_url}/admin/host/status", timeout=10).status_code == 404
    assert host.invocations.finished() == []


def test_timers_run_on_their_schedule(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, every_second_timer=True)
    runs = host.invocations.wait(lambda inv: inv.function == "every_second", count=2, timeout=10)
    assert all(r.ok and r.source == "schedule" for r in runs)
    assert host.invocations.finished(lambda inv: inv.function == "yearly") == []


def test_a_five_field_schedule_is_refused_and_the_others_still_run(make_host: HostFactory) -> None:
    host = make_host(watch_blobs=False, every_second_timer=True)
    assert "five fields" in host.schedule_errors["five_fields"]
    assert "five_fields" not in host.timer_targets
    host.invocations.wait(lambda inv: inv.function == "every_second", timeout=10)
