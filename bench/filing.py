"""Filing benchmark (SPEC 7): documents per second through the filing service, against a raw-SDK
baseline doing the same storage work (read, copy, the same index writes, delete) in the
same run on a fresh Azurite; storage operations per document; drop-to-listed latency
through the dev host's watcher and the index read.

    .venv/bin/python -m bench.filing [--count 200] [--concurrency 1,8] [--drops 20]

Rounds alternate baseline and service so Azurite's slowdown as it fills hits both alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bench.common import RESULTS, OpCounter, counted_storage
from cli.commands.generate import CompanyInfo, Sample, samples
from shared import context
from shared.adapters.storage.clients import Storage
from shared.adapters.storage.index import DocumentIndex
from shared.clock import SystemClock
from shared.context import AppContext
from shared.domain.companies import Company
from shared.domain.documents import DocumentRecord
from shared.domain.incoming import content_sha256, decode_metadata, doc_id, document_blob_name, parse_name
from shared.services.filing import Outcome
from shared.settings import Settings
from tests.support.azurite import start_azurite

COMPANY = Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), {"IJM": 1_200_000}, ("muster-ag.ch",), "", True)


@dataclass
class Round:
    kind: str
    concurrency: int
    documents: int
    seconds: float
    operations: int

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds

    @property
    def ops_per_doc(self) -> float:
        return self.operations / self.documents


def baseline_one(storage: Storage, index: DocumentIndex, name: str, *, now: datetime) -> None:
    """The same storage work as the service, written directly against the SDK."""
    incoming = storage.container("incoming").get_blob_client(name)
    props = incoming.get_blob_properties()
    data = incoming.download_blob(etag=props.etag, match_condition=MatchConditions.IfNotModified).readall()
    parsed = parse_name(name)
    digest = content_sha256(data)
    document_id = doc_id(parsed, digest)
    meta = decode_metadata(dict(props.metadata or {}))  # the same fields, so the same search entities
    record = DocumentRecord(
        document_id, parsed.customer_number, parsed.line, parsed.doc_type, parsed.doc_date, parsed.reference,
        meta.get("title", ""), meta.get("case_number", ""), meta.get("insured_person", ""), meta.get("language", ""),
        len(data), now, now + timedelta(days=365), document_blob_name(parsed, document_id), digest, name,
    )
    target = storage.container("documents").get_blob_client(record.blob_name)
    target.start_copy_from_url(incoming.url, source_etag=props.etag,
                               source_match_condition=MatchConditions.IfNotModified)
    entities = index._entities(record)  # the entity dicts only; the writes below are raw SDK calls
    storage.table("docexpiry").upsert_entity(entities["expiry"][0], mode=UpdateMode.REPLACE)
    listed = [("upsert", e, {"mode": UpdateMode.REPLACE}) for e in entities["list"]]
    storage.table("docindex").submit_transaction(listed)  # the line's row and the all-lines row
    search = [("upsert", e, {"mode": UpdateMode.REPLACE}) for e in entities["search"]]
    if len(search) > 1:
        storage.table("docsearch").submit_transaction(search)
    elif search:
        storage.table("docsearch").upsert_entity(entities["search"][0], mode=UpdateMode.REPLACE)
    storage.table("docids").upsert_entity(entities["id"][0], mode=UpdateMode.REPLACE)
    incoming.delete_blob(etag=props.etag, match_condition=MatchConditions.IfNotModified)


def timed(kind: str, concurrency: int, names: list[str], work: Callable[[str], Any], counter: OpCounter) -> Round:
    before = counter.count
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(work, names))
    seconds = time.perf_counter() - started
    if kind == "service":
        bad = [r for r in results if r.outcome is not Outcome.FILED]
        if bad:
            raise RuntimeError(f"{len(bad)} documents not filed: {bad[0]}")
    return Round(kind, concurrency, len(names), seconds, counter.count - before)


def drop_all(storage: Storage, items: Iterable[Sample]) -> list[str]:
    container = storage.container("incoming")
    names = []
    for sample in items:
        container.upload_blob(sample.name, sample.content, overwrite=True, metadata=sample.metadata)
        names.append(sample.name)
    return names


def drop_to_listed(ctx: AppContext, drops: int, poll_interval: float) -> list[float]:
    """Seconds from upload to the document appearing in the list read, with the dev host watching."""
    from devhost.host import DevHost
    from tests.support.client import fresh_app

    index = ctx.document_index
    host = DevHost(fresh_app(), port=0, watch_blobs=True, run_timers=False, poll_interval=poll_interval).start()
    latencies = []
    try:
        # Dated after everything filed so far, so "listed" means on the first page of the list.
        company = [CompanyInfo("100001", "Muster AG", ("LAA",))]
        for i, sample in enumerate(samples(9000, drops, company, "B", start=date(2030, 1, 1), days=1)):
            started = time.perf_counter()
            ctx.storage.container("incoming").upload_blob(sample.name, sample.content, overwrite=True,
                                                           metadata=sample.metadata)
            parsed = parse_name(sample.name)
            wanted = doc_id(parsed, content_sha256(sample.content))
            while index.get(parsed.customer_number, wanted) is None:
                assert host.blob_watcher is not None
                host.blob_watcher.wait_for_scans(host.blob_watcher.scans + 1, timeout=10)
            page, _ = index.list_documents("100001", ["LAA"], limit=50)
            assert any(r.doc_id == wanted for r in page), f"drop {i} not listed"
            latencies.append(time.perf_counter() - started)
    finally:
        host.stop()
    return latencies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.filing", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="documents per round (default 200)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per concurrency (default 2)")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated thread counts (default 1,8)")
    parser.add_argument("--drops", type=int, default=20, help="single drops for the drop-to-listed latency")
    parser.add_argument("--poll", type=float, default=1.0, help="dev host watcher poll interval (default 1.0 s)")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.concurrency.split(",")]

    azurite = start_azurite()
    counter = OpCounter()
    try:
        cs = azurite.connection_string
        storage = counted_storage(cs, counter)
        settings = Settings(storage_connection=cs, storage_prefix="bench", local_mode=True)
        ctx = AppContext(settings=settings, clock=SystemClock(), storage=storage)
        context.install(ctx)
        ctx.company_store.put(COMPANY)
        service = ctx.filing_service
        index = ctx.document_index
        company = [CompanyInfo(COMPANY.customer_number, COMPANY.name, COMPANY.lines)]
        rounds: list[Round] = []
        seed = 1
        print(f"generating and filing {args.count} documents per round...", file=sys.stderr)
        for level in levels:
            for round_no in range(args.rounds):
                # ABBA order: whichever runs second meets a fuller Azurite, so take turns.
                for kind in ("baseline", "service") if round_no % 2 == 0 else ("service", "baseline"):
                    names = drop_all(storage, samples(seed, args.count, company, settings.insurer_name))
                    seed += 1
                    work: Callable[[str], Any] = (
                        partial(baseline_one, storage, index, now=datetime.now(UTC))
                        if kind == "baseline" else service.file
                    )
                    rounds.append(timed(kind, level, names, work, counter))
        latencies = drop_to_listed(ctx, args.drops, args.poll)
    finally:
        context.install(None)
        azurite.stop()

    summary: dict[str, Any] = {"levels": {}}
    print(f"\n{'concurrency':>11} {'baseline doc/s':>15} {'service doc/s':>14} {'ratio':>6} "
          f"{'ops/doc base':>13} {'ops/doc svc':>12}")
    for level in levels:
        by_kind = {k: [r for r in rounds if r.concurrency == level and r.kind == k] for k in ("baseline", "service")}
        rate = {k: sum(r.documents for r in v) / sum(r.seconds for r in v) for k, v in by_kind.items()}
        ops = {k: sum(r.operations for r in v) / sum(r.documents for r in v) for k, v in by_kind.items()}
        ratio = rate["service"] / rate["baseline"]
        summary["levels"][str(level)] = {"baseline_per_s": rate["baseline"], "service_per_s": rate["service"],
                                         "ratio": ratio, "ops_per_doc": ops}
        print(f"{level:>11} {rate['baseline']:>15.1f} {rate['service']:>14.1f} {ratio:>6.2f} "
              f"{ops['baseline']:>13.1f} {ops['service']:>12.1f}")
    summary["drop_to_listed_s"] = {
        "p50": statistics.median(latencies), "p95": percentile(latencies, 95), "max": max(latencies),
        "poll_interval_s": args.poll, "drops": len(latencies),
    }
    print(f"\ndrop → listed (watcher poll {args.poll}s, {len(latencies)} drops): "
          f"p50 {summary['drop_to_listed_s']['p50']:.2f}s  p95 {summary['drop_to_listed_s']['p95']:.2f}s  "
          f"max {max(latencies):.2f}s")
    summary["rounds"] = [vars(r) for r in rounds]
    summary["count_per_round"] = args.count
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"filing-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"\nwritten {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
