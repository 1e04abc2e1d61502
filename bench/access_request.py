"""Access-request benchmark: latency of the form, a JSON submission and the verification link
through the real dev host on a fresh Azurite, and storage operations per submission.

    .venv/bin/python -m bench.access_request [--count 200] [--concurrency 1,8]

Every dev-host request pays a fixed floor (`devhost_floor_404`, an unknown path answered
404 without storage); `submit_in_process` times the use case without HTTP.

Each submission uses its own address and client address (rate limits are raised for the run),
so every one is a new request: validation, two rate-limit counters, the duplicate check, the
request, the token and the confirmation mail.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from bench.common import RESULTS, OpCounter
from devhost.host import DevHost
from shared import context
from shared.adapters.storage.clients import Storage
from shared.clock import SystemClock
from shared.context import AppContext
from shared.services import access_requests as service
from shared.settings import Settings
from tests.support.azurite import start_azurite
from tests.support.client import Client, fresh_app


def _payload(n: int, run: str) -> dict[str, Any]:
    return {
        "company_name": "Muster Bau AG",
        "customer_number": f"{100000 + n}",
        "first_name": "Anna",
        "last_name": "Muster",
        "email": f"anna.{run}.{n}@muster-bau.ch",
        "lines": ["IJM", "LAA"],
        "language": "de",
        "consent": True,
    }


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", default="1,8")
    args = parser.parse_args()
    azurite = start_azurite()
    counter = OpCounter()
    try:
        settings = Settings(
            storage_connection=azurite.connection_string,
            local_mode=True,
            rate_limit_client_per_hour=10**6,
            rate_limit_email_per_hour=10**6,
            client_ip_header="x-bench-client",
        )
        storage = Storage(
            BlobServiceClient.from_connection_string(settings.storage_connection),
            TableServiceClient.from_connection_string(settings.storage_connection, raw_response_hook=counter.hook),
        )
        storage.ensure()
        ctx = AppContext(settings=settings, clock=SystemClock(), storage=storage)
        context.install(ctx)
        host = DevHost(fresh_app(), port=0, watch_blobs=False, run_timers=False).start()
        report: dict[str, Any] = {"count": args.count}
        try:
            local = threading.local()

            def client() -> Client:
                if not hasattr(local, "client"):
                    local.client = Client(host.base_url)
                return local.client  # type: ignore[no-any-return]

            floor = [_timed(lambda: client().get("/api/no-such-route")) for _ in range(50)]
            report["devhost_floor_404"] = _percentiles(floor)
            form = [_timed(lambda: client().get("/api/access-request?lang=fr")) for _ in range(50)]
            report["form_get"] = _percentiles(form)
            # The use case itself, in process (no HTTP): what Azure's host would add its own overhead to.
            direct_run = uuid.uuid4().hex[:6]
            before = counter.count

            def direct_submit(n: int) -> float:
                payload = _payload(n, direct_run)
                client = f"10.1.{n}.1"
                return _timed(
                    lambda: service.submit(payload, client=client, default_language="de", ports=ctx.access_ports())
                )

            direct = [direct_submit(n) for n in range(args.count)]
            report["submit_in_process"] = {
                **_percentiles(direct),
                "storage_ops_per_submission": round((counter.count - before) / args.count, 2),
            }
            for workers in (int(w) for w in args.concurrency.split(",")):
                run = uuid.uuid4().hex[:6]
                before = counter.count

                def submit(n: int, run: str = run) -> float:
                    def call() -> None:
                        resp = client().post(
                            "/api/access-request", json=_payload(n, run), headers={"X-Bench-Client": f"10.0.{n}.1"}
                        )
                        assert resp.status_code == 202, resp.text

                    return _timed(call)

                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    latencies = list(pool.map(submit, range(args.count)))
                elapsed = time.perf_counter() - started
                report[f"submit_c{workers}"] = {
                    **_percentiles(latencies),
                    "per_second": round(args.count / elapsed, 1),
                    "storage_ops_per_submission": round((counter.count - before) / args.count, 2),
                }
            tokens = [
                m.text.split("token=", 1)[1].split()[0]
                for m in ctx.outbox_store.recent(args.count)
                if m.kind == "access_confirm"
            ]

            def use_link(token: str) -> float:
                return _timed(lambda: client().get(f"/api/access-request/verify?token={token}", allow_redirects=False))

            verify = [use_link(t) for t in tokens[:50]]
            report["verify"] = _percentiles(verify)
        finally:
            host.stop()
            context.install(None)
    finally:
        azurite.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "access_request.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    assert all(re.fullmatch(r"[A-Za-z0-9_\-]{43}", t) for t in tokens)


if __name__ == "__main__":
    main()
