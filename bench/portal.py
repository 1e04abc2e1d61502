"""Portal benchmark (SPEC 7): list first page, search and link with 50,000 documents in one
company, each beside a raw-SDK baseline doing the same storage reads in the same run.

    .venv/bin/python -m bench.portal [--documents 50000] [--samples 200]

Setup writes the index entities through the index's own `put_many()` in batches (not the
filing pipeline: filing 50,000 PDFs would measure filing, which bench/filing.py does).
No blobs are written: list, search and link never read a document's content.

Every operation also reports its storage round trips (counted at the SDK pipeline,
tests/support/round_trips.py) beside SPEC 7's budget: what it costs in Azure, steady from run
to run, where Azurite's times are not. Search runs per number of words; the link is also
compared with a raw point read of the same run (SPEC 7/issue 14: link p95 at most 5x a point read);
a ZIP of 10 small documents gives the round trips per ZIP document.

Measured on a fresh Azurite, per operation:
- `service`: the use case in process (grants read, scope, index reads / signing, audit and
  link-log writes for a link) — what the handler runs;
- `http`: the same through the dev host with a real session (adds the session read and
  the dev host's HTTP floor);
- `raw`: the same storage reads with the bare SDK (and, for link, the same writes and a
  bare generate_blob_sas), no project code.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import heapq
import json
import random
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from azure.core.exceptions import AzureError
from azure.storage.blob import BlobSasPermissions, generate_blob_sas

from devhost.host import DevHost
from shared import context
from shared.adapters.rendering.i18n import type_name
from shared.adapters.storage.clients import connect
from shared.adapters.storage.index import DocumentIndex
from shared.clock import SystemClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from shared.domain.identity import Principal
from shared.domain.lines import ALLOWED, LINES
from shared.domain.search import bucket, plan_search, query_words
from shared.services.documents import ListQuery, list_documents, resolve_scope
from shared.services.links import Caller, LinkPorts, issue_link
from shared.settings import Settings
from tests.support.azurite import KEY, start_azurite
from tests.support.client import Client, fresh_app
from tests.support.identity import add_grant, login
from tests.support.round_trips import RoundTrips

RESULTS = Path(__file__).resolve().parent / "results"
COMPANY = "100001"
EMAIL = "bench.kunde@muster-ag.ch"
PERSONS = [
    f"{first} {last}"
    for first in ("Jürg", "Anna", "Luca", "Chloé", "Reto", "Giulia", "Marc", "Sévérine", "Urs", "Elena")
    for last in ("Müller", "Rossi", "Dubois", "Keller", "Bianchi", "Favre", "Weber", "Meier", "Fontana", "Schäfer",
                 "Gerber", "Bernasconi", "Steiner", "Moret", "Huber", "Brunner", "Zürcher", "Lüthi", "Rochat", "Galli")
]
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
# Queries by their number of words: SPEC 7 allows a search 1 + its words round trips.
SEARCHES_BY_WORDS = {
    1: ("muller", "leistungsab", "r012345", "zürcher"),
    2: ("rossi anna", "zürcher märz", "kostengut reto"),
    3: ("muller anna märz", "kostengut zürcher januar", "rossi reto leistungsab"),
}
SEARCHES = tuple(q for queries in SEARCHES_BY_WORDS.values() for q in queries)
# SPEC 7's round-trip budgets per request over HTTP (session included).
BUDGET = {"list_first_page": 2, "search_1w": 2, "search_2w": 3, "search_3w": 4, "link": 4}
ZIP_DOCUMENTS = 10


def make_records(count: int, now: datetime) -> list[DocumentRecord]:
    rng = random.Random(20261127)
    records = []
    for n in range(count):
        line = LINES[n % 3]
        doc_type = sorted(ALLOWED[line])[rng.randrange(len(ALLOWED[line]))]
        doc_date = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1050))
        doc_id = base64.b32encode(hashlib.sha256(f"bench|{n}".encode()).digest()[:20]).decode().lower()
        published = now - timedelta(days=rng.randrange(0, 360), seconds=n)
        records.append(DocumentRecord(
            doc_id=doc_id, customer_number=COMPANY, line=line, doc_type=doc_type, doc_date=doc_date,
            reference=f"R{n:06d}", title=f"{doc_type.replace('_', ' ').title()} {MONTHS[doc_date.month - 1]}",
            case_number=f"UV-{doc_date.year}-{n % 5000}", insured_person=rng.choice(PERSONS), language="de",
            size=40_000 + n % 20_000, published_at=published, deletes_at=published + timedelta(days=365),
            blob_name=f"{COMPANY}/{line}/{doc_date.year}/{doc_id}.pdf", content_sha256="0" * 64,
            source_name=f"{COMPANY}/{line}/{doc_type}/{doc_date}_R{n:06d}.pdf",
        ))
    return records


def _seed_chunk(job: tuple[Settings, list[DocumentRecord]]) -> int:
    settings, chunk = job
    storage = connect(settings)
    index = DocumentIndex(
        storage.table("docindex"), storage.table("docsearch"), storage.table("docids"), storage.table("docexpiry")
    )
    for attempt in range(5):  # an overloaded Azurite resets connections; put_many only upserts
        try:
            index.put_many(chunk)
            return len(chunk)
        except AzureError:
            if attempt == 4:
                raise
            time.sleep(2**attempt)
    return 0


def seed(settings: Settings, records: list[DocumentRecord], processes: int) -> float:
    """Processes, not threads: the table client is GIL-bound (AZURE-NOTES)."""
    chunks = [(settings, records[i : i + 500]) for i in range(0, len(records), 500)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        done = 0
        for count in pool.map(_seed_chunk, chunks):
            done += count
            if done % 2000 == 0:
                print(f"  {done} indexed after {time.perf_counter() - started:.0f} s", flush=True)
    return time.perf_counter() - started


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def paired(
    service: Callable[[Any], Any], raw: Callable[[Any], Any], pick: Callable[[], Any], samples: int, warmup: int = 5
) -> dict[str, Any]:
    """Service and raw baseline timed in turns on the same picked argument (a query, a document),
    so a change of load during the run hits both sides alike instead of biasing the ratio."""
    for _ in range(warmup):
        arg = pick()
        service(arg)
        raw(arg)
    times: dict[str, list[float]] = {"service": [], "raw": []}
    for _ in range(samples):
        arg = pick()
        for name, call in (("service", service), ("raw", raw)):
            started = time.perf_counter()
            call(arg)
            times[name].append(time.perf_counter() - started)
    return {name: stats(values) for name, values in times.items()}


def timed(call: Callable[[], Any], samples: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        call()
    out = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


# ---- raw-SDK baselines: the same table reads without the project's code -----------------


def raw_grants(ctx: AppContext, tid: str, oid: str) -> None:
    """The caller's grants: one partition read, as the use cases do first."""
    list(ctx.storage.table("grants").query_entities("PartitionKey eq @pk", parameters={"pk": f"p_{tid}_{oid}"}))


def raw_list(ctx: AppContext, tid: str, oid: str, limit: int = 50) -> int:
    """The grants, then one range read of the company's list of every line (`~l-` rows of docindex)."""
    raw_grants(ctx, tid, oid)
    query = ctx.storage.table("docindex").query_entities(
        "PartitionKey eq @pk and RowKey gt @lo and RowKey lt @hi",
        parameters={"pk": COMPANY, "lo": "~l-", "hi": "~l."},
        results_per_page=limit + 1,
    )
    return len(list(next(query.by_page(), []))[:limit])


def raw_search(ctx: AppContext, tid: str, oid: str, text: str, limit: int = 50) -> int:
    """The same range reads as the service's plan (shared.domain.search.plan_search, no storage):
    the driver word's bucket and, when the driver names a type, that type's rows of the company's
    list, each read in one request of up to 1,000 entities and merged in RowKey order; every
    query word checked on each entity, stopping once the page is full."""
    raw_grants(ctx, tid, oid)
    search, lists = ctx.storage.table("docsearch"), ctx.storage.table("docindex")
    plan = plan_search(query_words(text), {t for line in LINES for t in ALLOWED[line]}, None)
    assert plan.driver is not None, text  # the bench's queries all have a word of four letters or more
    head = bucket(plan.driver) + "-"
    in_range = "PartitionKey eq @pk and RowKey gt @lo and RowKey lt @hi"
    ranges = [(search, in_range, {"pk": COMPANY, "lo": head, "hi": head[:-1] + "."})]
    if plan.driver_types:
        types = " or ".join(f"doc_type eq @t{i}" for i in range(len(plan.driver_types)))
        ranges.append((
            lists, f"{in_range} and ( {types} )",  # the SDK substitutes @names between spaces
            {"pk": COMPANY, "lo": "~l-", "hi": "~l.", **{f"t{i}": t for i, t in enumerate(plan.driver_types)}},
        ))
    streams = [
        ((e["RowKey"].split("-", 1)[1], e) for e in table.query_entities(f, parameters=p, results_per_page=1000))
        for table, f, p in ranges
    ]
    found, last = 0, None
    for examined, (key, entity) in enumerate(heapq.merge(*streams, key=lambda item: item[0]), start=1):
        if key != last and plan.accepts(entity["doc_type"], (entity.get("words") or "").split()):
            found += 1
            if found > limit:
                break
        last = key
        if examined >= 5000:
            break
    return found


def raw_link(ctx: AppContext, record: DocumentRecord, tid: str, oid: str) -> str:
    storage = ctx.storage
    raw_grants(ctx, tid, oid)
    # The id entity's keys as the index lays them out (asked from the index, so the baseline
    # follows a layout change instead of silently reading something else).
    keys = ctx.document_index._entities(record)["id"][0]
    storage.table("docids").get_entity(keys["PartitionKey"], keys["RowKey"])
    now = datetime.now(UTC)
    token = generate_blob_sas(
        "devstoreaccount1", storage.container_name("documents"), record.blob_name, account_key=KEY,
        permission=BlobSasPermissions(read=True), start=now - timedelta(minutes=1), expiry=now + timedelta(minutes=5),
        content_type="application/pdf", content_disposition="attachment; filename=x.pdf",
    )
    storage.container("audit").get_blob_client("raw/bench.jsonl").append_block(b'{"raw":1}\n')
    row = f"{time.time_ns()}"
    storage.table("doclinks").submit_transaction([
        ("create", {"PartitionKey": f"c-{COMPANY}", "RowKey": f"t{row}", "k": "x"}),
        ("create", {"PartitionKey": f"c-{COMPANY}", "RowKey": f"d{record.doc_id}_{row}", "k": "x"}),
        ("upsert", {"PartitionKey": f"c-{COMPANY}", "RowKey": f"s{tid}_{oid}_{record.doc_id}", "k": "x"}),
    ])
    return token


def raw_point_read(ctx: AppContext, record: DocumentRecord) -> None:
    """One point read of the same table a link reads: the floor a link is compared with."""
    keys = ctx.document_index._entities(record)["id"][0]
    ctx.storage.table("docids").get_entity(keys["PartitionKey"], keys["RowKey"])


def trips_of(trips: RoundTrips, call: Callable[[], Any], repeat: int = 3) -> float:
    """Round trips of one call (the mean of a few: a touch of the session may fall in)."""
    before = trips.count
    for _ in range(repeat):
        call()
    return round((trips.count - before) / repeat, 2)


def measure(
    ctx: AppContext, records: list[DocumentRecord], grant: Any, samples: int, trips: RoundTrips
) -> dict[str, Any]:
    """Service, raw and HTTP figures for list, search and link with the documents indexed so far."""
    storage = ctx.storage
    grants_of = ctx.grant_store
    index = ctx.document_index
    rng = random.Random(7)

    def caller() -> Caller:
        principal = Principal(grant.tid, grant.oid, EMAIL, "Bench")
        return Caller(principal, tuple(grants_of.active_for(grant.tid, grant.oid)), "de", "127.0.0.1")

    def service_list(_: Any = None) -> None:
        scope = resolve_scope(caller().grants, None)
        list_documents(index, scope, ListQuery(limit=50), now=ctx.clock.now())

    def service_search(text: str) -> None:
        scope = resolve_scope(caller().grants, None)
        list_documents(index, scope, ListQuery(q=text, limit=50), query_words(text), now=ctx.clock.now())

    ports = LinkPorts(
        index, ctx.link_signer, ctx.audit_log, ctx.link_log, storage.container_name("documents"), type_name
    )

    def service_link(record: DocumentRecord) -> None:
        issue_link(ports, caller(), record.doc_id, datetime.now(UTC), 300)

    n = samples
    results: dict[str, Any] = {
        "list_first_page": paired(service_list, lambda _: raw_list(ctx, grant.tid, grant.oid), lambda: None, n),
    }
    for words, queries in SEARCHES_BY_WORDS.items():
        results[f"search_{words}w"] = paired(
            service_search, lambda q: raw_search(ctx, grant.tid, grant.oid, q),
            functools.partial(rng.choice, queries), n,
        )
    results["link"] = paired(
        service_link, lambda r: raw_link(ctx, r, grant.tid, grant.oid), functools.partial(rng.choice, records), n
    )
    results["raw_point_read"] = stats(timed(lambda: raw_point_read(ctx, rng.choice(records)), n))
    host = DevHost(fresh_app(), port=0, watch_blobs=False, run_timers=False).start()
    try:
        client = Client(host.base_url)
        csrf = login(client, ctx, EMAIL)

        def http_get(path: str) -> None:
            resp = client.get(path)
            if resp.status_code != 200:
                raise RuntimeError(f"{path}: {resp.status_code} {resp.text[:200]}")

        def http_search(queries: tuple[str, ...]) -> Callable[[], None]:
            return lambda: http_get(f"/api/documents?q={rng.choice(queries)}")

        def http_link() -> None:
            http_get(f"/api/documents/{rng.choice(records).doc_id}/link")

        def http_list() -> None:
            http_get("/api/documents?limit=50")

        results["devhost_floor_404"] = stats(timed(lambda: client.get("/api/nothing-here"), n))
        results["list_first_page"]["http"] = stats(timed(http_list, n))
        results["list_first_page"]["round_trips"] = trips_of(trips, http_list)
        for words, queries in SEARCHES_BY_WORDS.items():
            row = results[f"search_{words}w"]
            row["http"] = stats(timed(http_search(queries), n))
            row["round_trips"] = max(
                trips_of(trips, functools.partial(http_get, f"/api/documents?q={q}")) for q in queries
            )
        results["link"]["http"] = stats(timed(http_link, n))
        results["link"]["round_trips"] = trips_of(trips, http_link)
        results["zip"] = measure_zip(ctx, client, csrf, records, trips)
        client.close()
    finally:
        host.stop()
    for name in ("list_first_page", *(f"search_{w}w" for w in SEARCHES_BY_WORDS), "link"):
        row = results[name]
        row["budget_round_trips"] = BUDGET[name]
        row["ratio_service_to_raw_p95"] = round(row["service"]["p95_ms"] / row["raw"]["p95_ms"], 2)
        row["ratio_service_to_raw_median"] = round(row["service"]["median_ms"] / row["raw"]["median_ms"], 2)
    point = results["raw_point_read"]["p95_ms"]
    results["link"]["ratio_service_to_point_read_p95"] = round(results["link"]["service"]["p95_ms"] / point, 2)
    results["link"]["ratio_http_to_point_read_p95"] = round(results["link"]["http"]["p95_ms"] / point, 2)
    return results


def measure_zip(
    ctx: AppContext, client: Client, csrf: str, records: list[DocumentRecord], trips: RoundTrips
) -> dict[str, Any]:
    """POST /api/documents/zip of ZIP_DOCUMENTS small documents: time and round trips per document
    (their blobs are written here; the rest of the benchmark reads no document content)."""
    chosen = records[:ZIP_DOCUMENTS]
    container = ctx.storage.container("documents")
    for record in chosen:
        container.upload_blob(record.blob_name, b"%PDF-1.4 bench " + record.doc_id.encode(), overwrite=True)
    body = {"company": COMPANY, "ids": [r.doc_id for r in chosen]}

    def post() -> None:
        resp = client.post("/api/documents/zip", json=body, headers={"X-CSRF-Token": csrf})
        if resp.status_code != 303:  # the archive is written to a blob, answered with its link
            raise RuntimeError(f"zip: {resp.status_code} {resp.text[:200]}")

    timings = timed(post, 5, warmup=1)
    per_call = trips_of(trips, post, repeat=2)
    return {
        "documents": ZIP_DOCUMENTS,
        "http": stats(timings),
        "round_trips": per_call,
        "round_trips_per_document": round((per_call - 1) / ZIP_DOCUMENTS, 2),  # the session read aside
    }


def print_table(documents: int, results: dict[str, Any]) -> None:
    print(f"\n{documents} documents")
    print(f"{'operation':<18}{'path':<9}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}   round trips (budget)")
    for name in ("list_first_page", *(f"search_{w}w" for w in SEARCHES_BY_WORDS), "link"):
        row = results[name]
        for path in ("service", "http", "raw"):
            s = row[path]
            trips = f"   {row['round_trips']} ({row['budget_round_trips']})" if path == "http" else ""
            print(f"{name:<18}{path:<9}{s['median_ms']:>11}{s['p95_ms']:>9}{s['max_ms']:>9}{trips}")
        print(f"{'':<18}{'ratio service/raw p95':>29} {row['ratio_service_to_raw_p95']}"
              f"   (median {row['ratio_service_to_raw_median']})")
    point = results["raw_point_read"]
    print(f"{'raw point read':<18}{'raw':<9}{point['median_ms']:>11}{point['p95_ms']:>9}{point['max_ms']:>9}")
    link = results["link"]
    print(f"{'':<18}{'link p95 / point read p95':>29} service {link['ratio_service_to_point_read_p95']}, "
          f"http {link['ratio_http_to_point_read_p95']} (budget 5)")
    z = results["zip"]
    zt = z["http"]
    print(f"{'zip (' + str(z['documents']) + ' docs)':<18}{'http':<9}{zt['median_ms']:>11}{zt['p95_ms']:>9}"
          f"{zt['max_ms']:>9}   {z['round_trips']} ({z['round_trips_per_document']} per document)")
    floor = results["devhost_floor_404"]
    print(f"{'devhost floor':<18}{'http':<9}{floor['median_ms']:>11}{floor['p95_ms']:>9}{floor['max_ms']:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--checkpoints", default="", help="also measure at these sizes, e.g. 10000,25000")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--processes", type=int, default=3, help="processes writing the index at setup")
    args = parser.parse_args()
    sizes = sorted({int(x) for x in args.checkpoints.split(",") if x.strip()} | {args.documents})

    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"portal-{stamp}.json"
    report: dict[str, Any] = {
        "benchmark": "portal",
        "when": now.isoformat().replace("+00:00", "Z"),
        "command": f"python -m bench.portal --documents {args.documents} --checkpoints {args.checkpoints or '-'} "
        f"--samples {args.samples}",
        "samples": args.samples,
        "targets_ms_p95": {"list_first_page": 50, "search": 100, "link": 20},
        "budget_round_trips": BUDGET,
        "setup": "index entities written through DocumentIndex.put_many in batches of 500 documents",
        "runs": [],
    }
    azurite = start_azurite(in_memory=True)
    try:
        settings = Settings(storage_connection=azurite.connection_string, storage_prefix="bench", local_mode=True)
        trips = RoundTrips()
        storage = trips.storage(settings)
        storage.ensure()
        ctx = AppContext(settings=settings, clock=SystemClock(), storage=storage)
        context.install(ctx)
        records = make_records(args.documents, now)
        grant = add_grant(ctx, EMAIL, COMPANY, LINES)
        storage.container("audit").get_blob_client("raw/bench.jsonl").create_append_blob()
        seeded = 0
        seed_seconds = 0.0
        for size in sizes:
            seed_seconds += seed(settings, records[seeded:size], args.processes)
            seeded = size
            print(f"seeded {seeded} documents in {seed_seconds:.0f} s", flush=True)
            results = measure(ctx, records[:seeded], grant, args.samples, trips)
            report["runs"].append({"documents": seeded, "seed_seconds": round(seed_seconds, 1), "results": results})
            out.write_text(json.dumps(report, indent=2) + "\n")  # kept after each size: a long run still reports
            print_table(seeded, results)
    finally:
        context.install(None)
        azurite.stop()
    print(f"written {out.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
