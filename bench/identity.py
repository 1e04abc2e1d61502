"""Identity benchmark: what a signed-in request costs, and an advisor's approval.

    .venv/bin/python -m bench.identity [--samples 200]

On a fresh Azurite, per operation (median / p95 / max in ms):
- `session_service`: resolving a session in process (point read by the id's hash, expiry
  check) beside `session_raw`, the bare SDK point read of the same entity;
- `devhost_floor_404`: the dev host's own HTTP floor (a 404), to read the others against;
- `me_http`: `GET /api/me` through the dev host (session, grants by tid+oid, company);
- `dev_login_http`: `POST /api/dev/session` (grants activation check, session insert, audit append);
- `approve_http`: `POST /api/advisor/requests/{id}/approve` with the local directory
  (conditional request update, invitation, two grant upserts, outbox mail, two audit appends).
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.portal import stats, timed
from devhost.host import DevHost
from shared import context
from shared.adapters.storage.clients import connect
from shared.adapters.storage.sessions import _key
from shared.clock import SystemClock
from shared.context import AppContext
from shared.domain.access_request import AccessRequest, Status
from shared.domain.companies import Company
from shared.domain.identity import Principal
from shared.settings import Settings
from tests.support.azurite import start_azurite
from tests.support.client import Client, fresh_app
from tests.support.identity import login

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    n = args.samples
    azurite = start_azurite()
    try:
        settings = Settings(storage_connection=azurite.connection_string, storage_prefix="bench", local_mode=True)
        storage = connect(settings)
        storage.ensure()
        ctx = AppContext(settings=settings, clock=SystemClock(), storage=storage)
        context.install(ctx)
        ctx.company_store.put(
            Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), {"IJM": 1_200_000}, ("muster-ag.ch",), enrolled=True)
        )
        store = ctx.session_store
        session = store.create(Principal("t", "o", "a@muster-ag.ch", "A"), "de", datetime.now(UTC))
        table = storage.table("sessions")
        results: dict[str, object] = {
            "session_service": stats(timed(lambda: store.get(session.session_id), n)),
            "session_raw": stats(timed(lambda: table.get_entity(_key(session.session_id), "session"), n)),
        }
        host = DevHost(fresh_app(), port=0, watch_blobs=False, run_timers=False).start()
        try:
            customer = Client(host.base_url)
            results["devhost_floor_404"] = stats(timed(lambda: customer.get("/api/nothing-here"), n))
            login(customer, ctx, "anna@muster-ag.ch", grants=[("100001", ("IJM", "LAA"))])
            results["me_http"] = stats(timed(lambda: customer.get("/api/me").raise_for_status(), n))
            dev = Client(host.base_url)
            results["dev_login_http"] = stats(
                timed(lambda: dev.post("/api/dev/session", json={"email": "eva@muster-ag.ch"}).raise_for_status(), n)
            )
            advisor = Client(host.base_url)
            advisor.headers["X-CSRF-Token"] = login(advisor, ctx, "berater@versicherer.ch", roles=["Advisor"])
            approvals = max(10, n // 4)
            ids = []
            requests_store = ctx.access_request_store
            for i in range(approvals + 5):
                req = AccessRequest(
                    request_id=uuid.uuid4().hex,
                    status=Status.PENDING,
                    company_name="Muster AG",
                    customer_number="100001",
                    first_name="P",
                    last_name=f"N{i}",
                    email=f"p{i}@muster-ag.ch",
                    phone="",
                    lines=("IJM",),
                    language="de",
                    consent_version="2026-11",
                    created_at=datetime.now(UTC),
                    verified_at=datetime.now(UTC),
                )
                ids.append(requests_store.save(req).request_id)
            pending = iter(ids)
            results["approve_http"] = stats(
                timed(
                    lambda: advisor.post(f"/api/advisor/requests/{next(pending)}/approve").raise_for_status(),
                    approvals,
                    warmup=5,
                )
            )
        finally:
            host.stop()
        report = {"measured_at": datetime.now(UTC).isoformat(), "samples": n, "results": results}
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"identity-{time.strftime('%Y%m%dT%H%M%S')}.json"
        out.write_text(json.dumps(report, indent=2))
        for name, row in results.items():
            print(f"{name:18} {row}")
        print(f"written to {out.relative_to(RESULTS.parent.parent)}")
    finally:
        context.install(None)
        azurite.stop()


if __name__ == "__main__":
    main()
