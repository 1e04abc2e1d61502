"""The `retention` timer as the host runs it: registered on its NCRONTAB setting, invoked
through the dev host's admin API like `POST /admin/functions/retention` on Azure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import requests

from devhost.host import DevHost
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from tests.support.client import fresh_app
from tests.support.retention import blob_exists, listed


def test_registered_on_the_schedule_setting() -> None:
    [fn] = [f for f in fresh_app().get_functions() if f.get_function_name() == "retention"]
    assert fn.get_trigger().schedule == "%PORTAL_RETENTION_SCHEDULE%"


def test_admin_invocation_runs_the_sweep(
    devhost: DevHost, ctx: AppContext, clock: MutableClock, make: Callable[..., DocumentRecord]
) -> None:
    record = make()
    clock.advance(timedelta(days=365, seconds=1))
    resp = requests.post(f"{devhost.base_url}/admin/functions/retention", json={"input": ""}, timeout=10)
    assert resp.status_code == 202
    [run] = devhost.invocations.wait(lambda inv: inv.function == "retention", timeout=60)
    assert run.ok, run.error
    assert not listed(ctx, record) and not blob_exists(ctx, record)

    again = devhost.invoke_timer("retention", past_due=True)  # a late, repeated run is harmless
    assert again.ok, again.error
