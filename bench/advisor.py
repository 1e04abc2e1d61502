"""Advisor console benchmark: the request list with 1,000 requests and the company page of a
company with 200 people, each beside a raw-SDK baseline doing the same storage reads in the
same run, with the storage round trips of one call.

    .venv/bin/python -m bench.advisor [--requests 1000] [--people 200] [--samples 100]

Measured on a fresh in-memory Azurite, per operation (round trips of one call, then median /
p95 / max in ms):
- `requests_page_service` / `_q_service` / `_next_service`: GET /api/advisor/requests' use case
  in process — the first page of `pending`, a search (`q`), the page after the first cursor;
- `requests_page_raw`: the same reads with the bare SDK (one range read of the listing
  partition, one keys-only read per status side by side, one OR query for the companies);
- `requests_scan_raw`: what a list without the listing copy has to do — read every pending
  request of the `request` partition and sort them — for comparison;
- `company_service` / `company_raw`: the company at a glance (registry row, grant partition,
  one index page per line, quarantine prefix listing; the reads after the first side by side);
- `*_http`: the API routes and the console pages through the dev host with an advisor session.

Each `_service` figure and its `_raw` baseline are sampled in turns (`paired`), so a load swing
on a shared machine falls on both; `median_vs_raw` and `p95_vs_raw` are their ratios.
"""

from __future__ import annotations

import argparse
import functools
import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from bench.common import OpCounter, write_results
from bench.portal import make_records, stats, timed
from devhost.host import DevHost
from shared import context
from shared.adapters.storage.access_requests import LIST_STATUSES
from shared.adapters.storage.clients import Storage
from shared.clock import SystemClock
from shared.context import AppContext
from shared.domain.access_request import AccessRequest, Status
from shared.domain.companies import Company
from shared.domain.identity import Grant, GrantKind, GrantStatus
from shared.services import advisor as views
from shared.services.advisor_company import DOCUMENTS_PER_LINE, company_at_a_glance
from shared.settings import Settings
from tests.support.azurite import start_azurite
from tests.support.client import Client, fresh_app
from tests.support.identity import login

COMPANY = "100001"
THRESHOLD = 250_000
FIRST = ("Anna", "Luca", "Chloé", "Reto", "Giulia", "Marc", "Urs", "Elena", "Jürg", "Nina")
LAST = ("Müller", "Rossi", "Dubois", "Keller", "Bianchi", "Favre", "Weber", "Meier", "Fontana", "Huber")
STATUSES = (Status.PENDING,) * 4 + (Status.APPROVED,) * 4 + (Status.REJECTED,) + (Status.UNVERIFIED,)


def seed(ctx: AppContext, requests: int, people: int) -> None:
    rng = random.Random(20261202)
    companies = ctx.company_store
    for n in range(60):
        number = str(100001 + n)
        premium = 1_200_000 if n == 0 else rng.choice((120_000, 400_000, 900_000))
        companies.put(Company(number, f"Firma {number}", ("IJM", "LAA", "LAAC"), {"LAA": premium},
                              (f"firma-{number}.ch",), enrolled=n % 3 == 0))
    store = ctx.access_request_store
    now = datetime.now(UTC)

    def one(i: int) -> None:
        number = str(100001 + rng.randrange(60)) if i % 5 else COMPANY
        status = STATUSES[i % len(STATUSES)]
        created = now - timedelta(minutes=i * 7)
        store.save(AccessRequest(
            request_id=uuid.uuid4().hex, status=status, company_name=f"Firma {number}", customer_number=number,
            first_name=FIRST[i % 10], last_name=f"{LAST[(i // 10) % 10]}", email=f"p{i}@firma-{number}.ch",
            phone="", lines=("LAA",), language="de", consent_version="2026-11", created_at=created,
            verified_at=None if status == Status.UNVERIFIED else created + timedelta(minutes=3),
            decided_at=created + timedelta(hours=1) if status in (Status.APPROVED, Status.REJECTED) else None,
            decided_by_name="Berater" if status in (Status.APPROVED, Status.REJECTED) else "",
        ))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(requests)))
    grants = ctx.grant_store
    for i in range(people):
        grants.put(Grant(
            grant_id=f"{COMPANY}-{i:016x}", tid="bench-tenant", oid=f"oid-{i:06d}", email=f"person{i}@firma-100001.ch",
            customer_number=COMPANY, lines=("IJM", "LAA") if i % 2 else ("LAAC",),
            kind=GrantKind.THIRD_PARTY if i % 10 == 0 else GrantKind.CUSTOMER,
            status=GrantStatus.REVOKED if i % 17 == 0 else GrantStatus.ACTIVE, created_at=now - timedelta(days=i),
            activated_at=now - timedelta(days=i), created_by="bench", created_by_name="Berater",
            last_signin_at=now - timedelta(hours=i),
        ))
    ctx.document_index.put_many(make_records(600, now))
    incoming = ctx.storage.container("incoming")
    for i in range(5):
        incoming.upload_blob(f"{COMPANY}/LAA/letter/2026-02-0{i + 1}_Q-{i}.pdf", b"%PDF-1.4 bench", overwrite=True)
        ctx.quarantine.container.upload_blob(
            f"{COMPANY}/LAA/letter/2026-02-0{i + 1}_Q-{i}.pdf", b"%PDF-1.4 bench",
            metadata={"reason": "unknown_doc_type", "detail": "bench", "quarantined_at": now.isoformat()},
            overwrite=True,
        )


def raw_requests_page(tables: TableServiceClient, prefix: str, status: str) -> Any:
    table = tables.get_table_client(f"{prefix}accessrequests")
    companies = tables.get_table_client(f"{prefix}companies")

    def count(s: str) -> int:
        return sum(1 for _ in table.query_entities(
            "PartitionKey eq @pk", parameters={"pk": f"list-{s}"}, select=["RowKey"], results_per_page=1000))

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = [pool.submit(count, s) for s in LIST_STATUSES]
        page = []
        for entity in table.query_entities("PartitionKey eq @pk", parameters={"pk": f"list-{status}"},
                                           results_per_page=views.PAGE_SIZE + 1):
            page.append(entity)
            if len(page) > views.PAGE_SIZE:
                break
        numbers = sorted({e["customer_number"] for e in page[: views.PAGE_SIZE]})
        for start in range(0, len(numbers), 14):
            chunk = numbers[start : start + 14]
            ors = " or ".join(f"RowKey eq @n{i}" for i in range(len(chunk)))
            params = {"pk": "company", **{f"n{i}": n for i, n in enumerate(chunk)}}
            list(companies.query_entities(f"PartitionKey eq @pk and ( {ors} )", parameters=params))
        return page, [c.result() for c in counts]


def raw_scan(tables: TableServiceClient, prefix: str, status: str) -> Any:
    table = tables.get_table_client(f"{prefix}accessrequests")
    found = table.query_entities("PartitionKey eq @pk and status eq @s", parameters={"pk": "request", "s": status})
    return sorted(found, key=lambda e: e["created_at"], reverse=True)[: views.PAGE_SIZE]


def raw_company(tables: TableServiceClient, blobs: BlobServiceClient, prefix: str) -> Any:
    registry = tables.get_table_client(f"{prefix}companies").get_entity("company", COMPANY)
    grants_table = tables.get_table_client(f"{prefix}grants")
    index = tables.get_table_client(f"{prefix}docindex")
    container = blobs.get_container_client(f"{prefix}quarantine")

    def page(line: str) -> list[Any]:
        out = []
        for entity in index.query_entities("PartitionKey eq @pk and RowKey gt @lo and RowKey lt @hi",
                                           parameters={"pk": COMPANY, "lo": f"{line}-", "hi": f"{line}."},
                                           results_per_page=DOCUMENTS_PER_LINE + 1):
            out.append(entity)
            if len(out) > DOCUMENTS_PER_LINE:
                break
        return out

    with ThreadPoolExecutor(max_workers=5) as pool:
        grants = pool.submit(lambda: list(grants_table.query_entities(
            "PartitionKey eq @pk", parameters={"pk": f"c_{COMPANY}"})))
        waiting = pool.submit(lambda: list(container.list_blobs(name_starts_with=f"{COMPANY}/", include=["metadata"])))
        pages = [pool.submit(page, line) for line in registry["lines"].split(",")]
        return registry, grants.result(), waiting.result(), [p.result() for p in pages]


def _get(client: Client, path: str) -> None:
    client.get(path).raise_for_status()


def measure(counter: OpCounter, call: Callable[[], Any], samples: int) -> dict[str, Any]:
    before = counter.count
    call()
    trips = counter.count - before
    return {"round_trips": trips, **stats(timed(call, samples))}


def paired(counter: OpCounter, ours: Callable[[], Any], raw: Callable[[], Any], samples: int) -> tuple[dict, dict]:
    """Our call and its raw-SDK baseline taken in turns (the order swapped every sample), so a
    load swing on a shared machine falls on both alike and the ratio stays fair."""
    trips = []
    for call in (ours, raw):
        before = counter.count
        call()
        trips.append(counter.count - before)
    for _ in range(5):
        ours()
        raw()
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(samples):
        order = (0, 1) if i % 2 == 0 else (1, 0)
        for which in order:
            call = (ours, raw)[which]
            started = time.perf_counter()
            call()
            times[which].append(time.perf_counter() - started)
    mine, base = ({"round_trips": trips[k], **stats(times[k])} for k in (0, 1))
    mine["p95_vs_raw"] = round(mine["p95_ms"] / max(base["p95_ms"], 1e-6), 2)
    mine["median_vs_raw"] = round(mine["median_ms"] / max(base["median_ms"], 1e-6), 2)
    return mine, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    azurite = start_azurite(in_memory=True)
    counter = OpCounter()
    try:
        settings = Settings(storage_connection=azurite.connection_string, storage_prefix="bench", local_mode=True,
                            eligibility_threshold_chf=THRESHOLD)
        cs = settings.storage_connection
        tables = TableServiceClient.from_connection_string(cs, raw_response_hook=counter.hook)
        blobs = BlobServiceClient.from_connection_string(cs, raw_response_hook=counter.hook)
        storage = Storage(blobs, tables, prefix=settings.storage_prefix)
        storage.ensure()
        ctx = AppContext(settings=settings, clock=SystemClock(), storage=storage)
        context.install(ctx)
        print(f"seeding {args.requests} requests, {args.people} people ...", flush=True)
        seed(ctx, args.requests, args.people)
        store, companies = ctx.access_request_store, ctx.company_store
        first = views.list_requests("pending", store, companies, THRESHOLD)
        ports = ctx.company_ports()
        n = args.samples
        results: dict[str, Any] = {}
        results["requests_page_service"], results["requests_page_raw"] = paired(
            counter,
            lambda: views.list_requests("pending", store, companies, THRESHOLD),
            lambda: raw_requests_page(tables, "bench", "pending"),
            n,
        )
        results["requests_page_q_service"] = measure(
            counter, lambda: views.list_requests("pending", store, companies, THRESHOLD, q="muller anna"), n
        )
        results["requests_page_next_service"] = measure(
            counter, lambda: views.list_requests("pending", store, companies, THRESHOLD, cursor=first["next_cursor"]), n
        )
        results["requests_scan_raw"] = measure(counter, lambda: raw_scan(tables, "bench", "pending"), n)
        results["company_service"], results["company_raw"] = paired(
            counter, lambda: company_at_a_glance(ports, COMPANY), lambda: raw_company(tables, blobs, "bench"), n
        )
        host = DevHost(fresh_app(), port=0, watch_blobs=False, run_timers=False).start()
        try:
            advisor = Client(host.base_url)
            login(advisor, ctx, "berater@versicherer.ch", roles=["Advisor"])
            for name, path in (
                ("requests_api_http", "/api/advisor/requests?status=pending"),
                ("company_api_http", f"/api/advisor/companies/{COMPANY}"),
                ("console_page_http", "/advisor?lang=de"),
                ("company_page_http", f"/advisor/companies/{COMPANY}?lang=de"),
            ):
                results[name] = measure(counter, functools.partial(_get, advisor, path), n)
        finally:
            host.stop()
        out = write_results("advisor", {"requests": args.requests, "people": args.people, "samples": n,
                                        "counts": first["counts"], "results": results})
        print(f"{'operation':28} {'trips':>5} {'median':>8} {'p95':>8} {'max':>8}  median/raw  p95/raw")
        for name, row in results.items():
            print(f"{name:28} {row['round_trips']:>5} {row['median_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}"
                  f"  {row.get('median_vs_raw', ''):>10}  {row.get('p95_vs_raw', '')}")
        print(f"written to {out}")
    finally:
        context.install(None)
        azurite.stop()


if __name__ == "__main__":
    main()
