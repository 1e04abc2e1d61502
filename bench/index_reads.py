"""Index reads at scale: list, search and get with N documents in one company, straight on
`DocumentIndex` (no HTTP, no grants) on a fresh Azurite — the layout's own cost.

    .venv/bin/python -m bench.index_reads [--documents 20000] [--samples 20]

Seeds with `put_many` from 2 processes (the table client is GIL-bound), then times each
read; prints a table and writes JSON to bench/results/. bench/portal.py measures the same
reads through the portal's use cases and HTTP.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from shared.adapters.storage.clients import connect
from shared.adapters.storage.index import DocumentIndex
from shared.domain.documents import DocumentRecord
from shared.domain.lines import ALLOWED, LINES
from shared.settings import Settings
from tests.support.azurite import start_azurite

RESULTS = Path(__file__).resolve().parent / "results"
PERSONS = ("Jürg Müller", "Anna Meier", "Luca Rossi", "Sophie Dubois", "Marco Bernasconi", "Céline Favre",
           "Reto Schären", "Chiara Bianchi", "Noah Keller", "Léa Rochat", "Giulia Ferrari", "Thomas Brändli")
TITLES = ("Leistungsabrechnung", "Décompte", "Conteggio")
QUERIES = (["muller"], ["rossi", "anna"], ["leistungsab"], ["r012345"], ["zurcher"], ["kostengut", "reto"],
           ["4999"], ["mu"], ["meier", "conteggio"])
ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def records(count: int) -> list[DocumentRecord]:
    rng = random.Random(1)
    out = []
    for n in range(count):
        line = rng.choice(LINES)
        doc_type = rng.choice(sorted(ALLOWED[line]))
        doc_date = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
        published = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
        doc_id = "".join(rng.choice(ALPHABET) for _ in range(32))
        title = f"{rng.choice(TITLES)} {doc_date:%m} {doc_date.year}"
        out.append(DocumentRecord(
            doc_id, "100001", line, doc_type, doc_date, f"R{n:06d}", title, f"S-{n % 5000}", rng.choice(PERSONS),
            "de", 1000, published, published + timedelta(days=365), "x", "0" * 64, "y",
        ))
    return out


def _index(settings: Settings) -> DocumentIndex:
    storage = connect(settings)
    return DocumentIndex(storage.table("docindex"), storage.table("docsearch"), storage.table("docids"),
                         storage.table("docexpiry"))


def _seed(job: tuple[Settings, list[DocumentRecord]]) -> int:
    settings, chunk = job
    _index(settings).put_many(chunk)
    return len(chunk)


def timed(fn: Callable[[], tuple[list[Any], Any]], samples: int) -> dict[str, float]:
    times = []
    found = 0
    for _ in range(samples):
        started = time.perf_counter()
        found = len(fn()[0])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": times[len(times) // 2], "p95_ms": times[max(0, round(0.95 * len(times)) - 1)], "found": found}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.index_reads")
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args(argv)
    azurite = start_azurite()
    try:
        settings = Settings(storage_connection=azurite.connection_string, storage_prefix="ix", local_mode=True)
        connect(settings).ensure()
        recs = records(args.documents)
        started = time.perf_counter()
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(_seed, [(settings, recs[i : i + 1000]) for i in range(0, len(recs), 1000)]))
        seed_s = time.perf_counter() - started
        index = _index(settings)
        all_lines = list(LINES)
        reads: dict[str, Callable[[], tuple[list[Any], Any]]] = {
            "list all lines": lambda: index.list_documents("100001", all_lines),
            "list one line": lambda: index.list_documents("100001", ["LAA"]),
            "list one type": lambda: index.list_documents("100001", all_lines, doc_type="waiting_letter"),
            "get": lambda: ([index.get("100001", recs[5].doc_id)], None),
        }
        for words in QUERIES:
            reads["search " + " ".join(words)] = lambda w=words: index.search("100001", all_lines, w)  # type: ignore[misc]
        results = {name: timed(fn, args.samples) for name, fn in reads.items()}
    finally:
        azurite.stop()
    print(f"{args.documents} documents seeded in {seed_s:.0f} s")
    print(f"{'read':28} {'found':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for name, r in results.items():
        print(f"{name:28} {r['found']:>5} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"index-reads-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"documents": args.documents, "seed_s": seed_s, "reads": results}, indent=2))
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
