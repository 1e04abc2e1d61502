"""Audit log benchmark (SPEC 7): the log takes at least 200,000 events in one UTC day.

On a fresh in-memory Azurite, one UTC day receives `--single` events appended one by one
(more than an append blob's 50,000-block limit, so the day must roll over to a new part)
from `--threads` threads, then events in groups of `--group` (a ZIP's or a retention
batch's records, one append each) until `--events` are written. The day is then read back
and every event counted. Baseline: the raw SDK appending single events to one append blob
with the same threads (`--baseline` appends), for the events/s ratio. `--prove-limit`
also appends single events to one raw blob until storage refuses, which shows the old
one-blob-per-day ceiling.

    .venv/bin/python -m bench.audit [--events 200000] [--single 52000] [--group 200] [--threads 8]
                                    [--baseline 5000] [--prove-limit]

Prints a table and writes JSON to bench/results/audit-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core.exceptions import HttpResponseError
from azure.storage.blob import BlobServiceClient, ContainerClient

from bench.common import OpCounter, write_results
from shared.adapters.storage.audit import AuditLog
from shared.domain.audit import AuditEvent
from tests.support.azurite import start_azurite

DAY = datetime(2027, 3, 2, tzinfo=UTC)
TARGET = 200_000


def event(n: int) -> AuditEvent:
    """A realistic record: a link issued to a person, spread over the day."""
    at = DAY + timedelta(seconds=n * 86_399 // 400_000)
    return AuditEvent(
        action="link.issued", at=at, actor="7f0c1d7e-tenant/9a1b2c3d-oid", client="203.0.113.9",
        target=f"{n:032d}", customer_number="100001", details={"line": "LAA", "disposition": "attachment"},
    )


def parallel(count: int, threads: int, work: Callable[[int], object]) -> float:
    """Run work(0..count-1) on `threads` threads; the events per second."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(work, range(count)):
            pass
    return count / (time.perf_counter() - t0)


def baseline(container: ContainerClient, count: int, threads: int) -> float:
    blob = container.get_blob_client("raw/one-blob.jsonl")
    blob.create_append_blob()
    return parallel(count, threads, lambda n: blob.append_block((event(n).to_json() + "\n").encode()))


def prove_limit(container: ContainerClient, threads: int) -> int:
    """Append single events to one raw blob until storage refuses: the old daily ceiling."""
    blob = container.get_blob_client("raw/limit.jsonl")
    blob.create_append_blob()
    accepted = 0
    refused: list[str] = []

    def one(n: int) -> None:
        nonlocal accepted
        if refused:
            return
        try:
            blob.append_block(b"{}\n")
            accepted += 1
        except HttpResponseError as exc:
            refused.append(str(getattr(exc, "error_code", "")))

    parallel(51_000, threads, one)
    print(f"raw one-blob day: {accepted} appends accepted, then refused ({refused[:1]})", file=sys.stderr)
    return accepted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=TARGET)
    parser.add_argument("--single", type=int, default=52_000)
    parser.add_argument("--group", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--baseline", type=int, default=5_000)
    parser.add_argument("--prove-limit", action="store_true")
    args = parser.parse_args(argv)

    azurite = start_azurite(in_memory=True)
    try:
        counter = OpCounter()
        service = BlobServiceClient.from_connection_string(azurite.connection_string, raw_response_hook=counter.hook)
        container = service.get_container_client("audit")
        container.create_container()
        raw_rate = baseline(container, args.baseline, args.threads)
        ceiling = prove_limit(container, args.threads) if args.prove_limit else None

        log = AuditLog(container)
        ops_before = counter.count
        single_rate = parallel(args.single, args.threads, lambda n: log.append(event(n)))
        single_ops = (counter.count - ops_before) / args.single
        written = args.single
        groups: list[list[AuditEvent]] = []
        while written < args.events:
            size = min(args.group, args.events - written)
            groups.append([event(written + i) for i in range(size)])
            written += size
        group_rate = parallel(len(groups), args.threads, lambda i: log.append_many(groups[i])) * (
            statistics.mean(len(g) for g in groups) if groups else 0
        )
        parts = [name for name in (p.name for p in container.list_blobs(name_starts_with=f"{DAY:%Y/%m/%d}."))]
        blocks = {
            name: container.get_blob_client(name).get_blob_properties().append_blob_committed_block_count
            for name in parts
        }
        t0 = time.perf_counter()
        read_back = sum(1 for _ in log.read_day(DAY.date()))
        read_seconds = time.perf_counter() - t0
    finally:
        azurite.stop()

    ok = read_back == written and read_back >= TARGET
    report: dict[str, Any] = {
        "events_in_one_day": read_back,
        "target": TARGET,
        "meets_target": ok,
        "written": written,
        "parts": blocks,
        "single_events_per_s": round(single_rate, 1),
        "raw_single_appends_per_s": round(raw_rate, 1),
        "ratio_to_raw": round(single_rate / raw_rate, 3),
        "storage_ops_per_single_event": round(single_ops, 3),
        "grouped_events_per_s": round(group_rate, 1),
        "read_back_seconds": round(read_seconds, 2),
        "raw_one_blob_ceiling": ceiling,
        "threads": args.threads,
    }
    print(f"{'measure':<38} {'value':>14} {'target':>14}")
    print(f"{'events in one UTC day (read back)':<38} {read_back:>14,} {'>= ' + format(TARGET, ','):>14}")
    print(f"{'parts (blob: blocks)':<38} {len(blocks):>14}")
    for name, count in sorted(blocks.items()):
        print(f"  {name:<36} {count:>14,} {'<= 50,000':>14}")
    print(f"{'single events/s (AuditLog)':<38} {single_rate:>14.0f}")
    print(f"{'single appends/s (raw, one blob)':<38} {raw_rate:>14.0f}")
    print(f"{'ratio to raw':<38} {single_rate / raw_rate:>14.2f}")
    print(f"{'storage ops per single event':<38} {single_ops:>14.3f}")
    print(f"{'grouped events/s (' + str(args.group) + ' per append)':<38} {group_rate:>14.0f}")
    if ceiling is not None:
        print(f"{'raw one blob per day: accepted':<38} {ceiling:>14,}")
    print(f"results: {write_results('audit', report)}")
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
