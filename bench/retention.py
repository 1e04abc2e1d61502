"""Retention benchmark (SPEC 7): the sweep's cost must grow with the number of expired
documents, not with the number stored.

Two scenarios, each on a fresh Azurite (in memory): 1,000 expired documents (blob + index entities)
among 1,000 stored, and the same 1,000 among 100,000 stored (the other 99,000 written
through the index's own put_many, in batches, due over the next 365 days like a real
year of filings). The sweep runs once in each; we report wall time, storage requests and
entities read, and the ratio between the two.

    .venv/bin/python -m bench.retention [--expired 1000] [--stored 1000,100000] [--workers 8] [--sweep-workers 4]

Prints a table and writes JSON to bench/results/retention-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from azure.core.exceptions import ServiceRequestError, ServiceResponseError

from bench.common import RESULTS, OpCounter, counted_storage
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from shared.domain.incoming import IncomingName, content_sha256, doc_id, document_blob_name
from shared.services.retention_sweep import RETENTION_WORKERS, sweep_documents
from shared.settings import Settings
from tests.support.azurite import start_azurite

NOW = datetime(2027, 3, 2, 2, 30, tzinfo=UTC)
CUSTOMERS = ("100001", "100002", "100004", "100005")


class Timed:
    """Wraps a real adapter and adds up the wall time spent in each of its methods."""

    def __init__(self, real: Any, seconds: dict[str, float], prefix: str) -> None:
        self._real, self._seconds, self._prefix = real, seconds, prefix

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._real, name)
        if not callable(target):
            return target

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return target(*args, **kwargs)
            finally:
                key = f"{self._prefix}.{name}"
                self._seconds[key] = self._seconds.get(key, 0.0) + time.perf_counter() - t0

        return timed


@dataclass
class Scenario:
    stored: int
    expired: int
    setup_seconds: float
    sweep_seconds: float
    sweep_requests: int
    deleted: int
    batches: int
    step_seconds: dict[str, float]

    @property
    def per_second(self) -> float:
        return self.deleted / self.sweep_seconds


def make_record(n: int, published: datetime, retention: timedelta) -> tuple[DocumentRecord, bytes]:
    customer = CUSTOMERS[n % len(CUSTOMERS)]
    line = ("IJM", "LAA", "LAAC")[n % 3]
    parsed = IncomingName(customer, line, "benefit_statement", date(2026, 1, 1) + timedelta(days=n % 300), f"B{n}")
    data = b"%PDF-1.4\n% bench " + str(n).encode() + b"\n%%EOF\n"
    digest = content_sha256(data)
    document_id = doc_id(parsed, digest)
    record = DocumentRecord(
        doc_id=document_id, customer_number=customer, line=line, doc_type="benefit_statement",
        doc_date=parsed.doc_date, reference=f"B{n}", title="", case_number="", insured_person="",
        language="de", size=len(data), published_at=published, deletes_at=published + retention,
        blob_name=document_blob_name(parsed, document_id), content_sha256=digest, source_name=f"bench/{n}.pdf",
    )
    return record, data


def retrying(action: Any, attempts: int = 4) -> Any:
    """Setup writes are upserts, so a write cut off by an overloaded emulator can simply repeat."""
    def run(*args: Any) -> Any:
        for attempt in range(attempts):
            try:
                return action(*args)
            except (ServiceRequestError, ServiceResponseError):
                if attempt == attempts - 1:
                    raise
        return None

    return run


def run_scenario(stored: int, expired: int, workers: int, sweep_workers: int) -> Scenario:
    azurite = start_azurite(in_memory=True)
    counter = OpCounter()
    try:
        cs = azurite.connection_string
        storage = counted_storage(cs, counter)
        clock = MutableClock(NOW)
        ctx = AppContext(settings=Settings(storage_connection=cs, storage_prefix="bench"), clock=clock, storage=storage)
        index = ctx.document_index
        retention = timedelta(days=365)
        started = time.perf_counter()

        # The expired ones: published a year and up to 10 days ago, each with its blob.
        due = [make_record(n, NOW - retention - timedelta(minutes=15 * (n + 1)), retention) for n in range(expired)]
        documents = storage.container("documents")

        def upload(item: tuple[DocumentRecord, bytes]) -> None:
            documents.upload_blob(item[0].blob_name, item[1], overwrite=True)

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(upload, due))
        index.put_many([r for r, _ in due])

        # The rest: index entities only (their blobs play no part in the sweep's reads),
        # published over the past year, so they fall due over the next 365 days.
        rest = stored - expired
        chunks = [range(start, min(start + 1000, rest)) for start in range(0, rest, 1000)]

        def put_chunk(numbers: range) -> None:
            records = [
                make_record(expired + n, NOW - timedelta(days=364) + timedelta(minutes=(n * 5) % (364 * 1440)),
                            retention)[0]
                for n in numbers
            ]
            index.put_many(records)

        with ThreadPoolExecutor(workers) as pool:
            for done, _ in enumerate(pool.map(retrying(put_chunk), chunks), start=1):
                print(f"\r  setup: {min(done * 1000, rest)}/{rest} non-expired indexed", end="", file=sys.stderr)
        print(file=sys.stderr)
        setup = time.perf_counter() - started

        before = counter.count
        steps: dict[str, float] = {}
        t0 = time.perf_counter()
        result = sweep_documents(
            Timed(index, steps, "index"),
            Timed(ctx.document_blobs, steps, "blobs"),
            Timed(ctx.audit_log, steps, "audit"),
            clock,
            batch_size=100,
            workers=sweep_workers,
        )
        seconds = time.perf_counter() - t0
        requests = counter.count - before
        assert result.total == expired, f"deleted {result.total} of {expired}"
        assert index.expired(NOW, 1) == []
        return Scenario(stored, expired, round(setup, 1), round(seconds, 3), requests, result.total, result.batches,
                        {k: round(v, 3) for k, v in sorted(steps.items())})
    finally:
        azurite.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--expired", type=int, default=1000)
    parser.add_argument("--stored", default="1000,100000", help="comma-separated totals stored (default 1000,100000)")
    parser.add_argument("--workers", type=int, default=8, help="setup threads")
    parser.add_argument("--sweep-workers", type=int, default=RETENTION_WORKERS,
                        help=f"documents deleted at once per batch (default {RETENTION_WORKERS}, as the timer)")
    args = parser.parse_args(argv)
    # SIGTERM → SystemExit, so each scenario's `finally` stops its Azurite.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scenarios = []
    for stored in (int(x) for x in args.stored.split(",")):
        print(f"scenario: {args.expired} expired among {stored} stored (fresh Azurite)", file=sys.stderr)
        scenarios.append(run_scenario(stored, args.expired, args.workers, args.sweep_workers))

    print(f"{'stored':>8} {'expired':>8} {'sweep s':>9} {'docs/s':>8} {'requests':>9} {'req/doc':>8} {'setup s':>8}")
    for s in scenarios:
        print(f"{s.stored:>8} {s.expired:>8} {s.sweep_seconds:>9.2f} {s.per_second:>8.1f} {s.sweep_requests:>9} "
              f"{s.sweep_requests / s.deleted:>8.2f} {s.setup_seconds:>8.1f}")
    for s in scenarios:
        steps = ", ".join(f"{k} {v:.2f}" for k, v in s.step_seconds.items())
        print(f"  {s.stored:>8} stored, seconds per step: {steps}")
    base, big = scenarios[0], scenarios[-1]
    ratio_time = big.sweep_seconds / base.sweep_seconds
    ratio_requests = big.sweep_requests / base.sweep_requests
    print(f"time ratio {big.stored} vs {base.stored} stored: {ratio_time:.2f}; request ratio: {ratio_requests:.2f}")

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"retention-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps({
        "benchmark": "retention",
        "scenarios": [asdict(s) | {"per_second": round(s.per_second, 1)} for s in scenarios],
        "sweep_workers": args.sweep_workers,
        "time_ratio": round(ratio_time, 3),
        "request_ratio": round(ratio_requests, 3),
    }, indent=2))
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
