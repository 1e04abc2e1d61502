"""Measure the dev host: blob-trigger latency (drop into `incoming` → filed and listed) and HTTP
throughput of /api/health, against a private Azurite on free ports.

    .venv/bin/python scripts/measure_devhost.py [--documents 40] [--requests 400]

Figures, not a test: they depend on the machine (2 cores here) and what else runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cli.commands.generate import CompanyInfo, samples  # noqa: E402
from devhost.host import DevHost  # noqa: E402
from devhost.invocations import Invocation  # noqa: E402
from shared import context  # noqa: E402
from shared.adapters.storage.clients import connect  # noqa: E402
from shared.clock import SystemClock  # noqa: E402
from shared.context import AppContext  # noqa: E402
from shared.domain.companies import Company  # noqa: E402
from shared.domain.incoming import content_sha256, doc_id, parse_name  # noqa: E402
from shared.settings import Settings  # noqa: E402
from tests.support.azurite import start_azurite  # noqa: E402
from tests.support.client import fresh_app  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _about(name: str) -> Callable[[Invocation], bool]:
    return lambda inv: inv.subject == name


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--poll-interval", type=float, default=0.5)
    args = parser.parse_args()
    azurite = start_azurite()
    try:
        settings = Settings(storage_connection=azurite.connection_string, storage_prefix="m" + uuid.uuid4().hex[:8],
                            local_mode=True)
        ctx = AppContext(settings=settings, clock=SystemClock(), storage=connect(settings))
        ctx.storage.ensure()
        context.install(ctx)
        ctx.company_store.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), {"IJM": 300_000},
                                       ("muster-ag.ch",), enrolled=True))
        host = DevHost(fresh_app(), port=0, run_timers=False, poll_interval=args.poll_interval).start()
        try:
            index = ctx.document_index
            incoming = ctx.storage.container("incoming")
            latencies = []
            company = CompanyInfo("100001", "Muster AG", ("IJM", "LAA", "LAAC"))
            for sample in samples(7, args.documents, [company], settings.insurer_name):
                identity = doc_id(parse_name(sample.name), content_sha256(sample.content))
                started = time.perf_counter()
                incoming.upload_blob(sample.name, sample.content, metadata=sample.metadata, overwrite=True)
                host.invocations.wait(_about(sample.name), timeout=30)
                if index.get("100001", identity) is None:
                    raise RuntimeError(f"{sample.name} was not indexed")
                latencies.append((time.perf_counter() - started) * 1000)
            print(f"drop -> filed and indexed, {len(latencies)} documents one at a time "
                  f"(poll {args.poll_interval} s): median {statistics.median(latencies):.0f} ms, "
                  f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms")

            url = f"{host.base_url}/api/health"
            with requests.Session() as warm:
                warm.get(url, timeout=10)
            started = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                codes = list(pool.map(lambda _: requests.get(url, timeout=30).status_code, range(args.requests)))
            elapsed = time.perf_counter() - started
            print(f"GET /api/health, 8 clients: {args.requests / elapsed:.0f} requests/s "
                  f"({codes.count(200)}/{len(codes)} answered 200)")
        finally:
            host.stop()
            context.install(None)
    finally:
        azurite.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
