"""ZIP memory benchmark (SPEC 7): a 500 MiB ZIP raises the process's peak memory by at most 64 MiB.

On a fresh Azurite (on disk: the emulator would otherwise hold a gigabyte in memory), the
setup writes `--documents` documents of `--mib`/`--documents` MiB each, block by block from
one reused 1 MiB buffer (so the setup itself never holds a document), and indexes them.
A fresh child process then builds the archive through the handler's own code
(`functions.documents.zip_response`: lease, plan, audit, archive into `downloads`, link)
after a small warm-up ZIP, and reports how much its peak RSS grew (`ru_maxrss`) during the
big one. Baseline in another fresh child: the raw SDK copying the same bytes (ranged
downloads, `stage_block`, `commit_block_list`) without zipping. `--inline` also measures the
old way (joining the archive in memory) in a third child: only with a small `--mib`.

    .venv/bin/python -m bench.zip [--mib 500] [--documents 25] [--inline]

Prints a table and writes JSON to bench/results/zip-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from azure.storage.blob import BlobBlock, BlobServiceClient

from bench.common import write_results
from shared.adapters.storage.clients import connect
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from shared.domain.identity import Grant, GrantKind, GrantStatus, Principal
from shared.domain.incoming import IncomingName, doc_id, document_blob_name
from shared.settings import Settings
from tests.support.azurite import start_azurite

MIB = 1024 * 1024
TARGET_MIB = 64
NOW = datetime.now(UTC).replace(microsecond=0)
CUSTOMER = "100001"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def settings(connection: str, max_bytes: int) -> Settings:
    return Settings(storage_connection=connection, storage_prefix="bench", local_mode=True,
                    zip_max_bytes=max_bytes, base_url="http://127.0.0.1:7071")


def setup(connection: str, mib: int, documents: int) -> list[str]:
    """Write and index the documents without ever holding one in memory; their ids."""
    ctx = AppContext(settings=settings(connection, mib * MIB), clock=MutableClock(NOW), storage=connect(
        settings(connection, mib * MIB)))
    ctx.storage.ensure()
    container = ctx.storage.container("documents")
    per_doc = mib // documents
    pattern = os.urandom(MIB)  # incompressible; repeats are 1 MiB apart, beyond deflate's window
    records = []
    for n in range(documents):
        parsed = IncomingName(CUSTOMER, "LAA", "benefit_statement", date(2026, 1, 1) + timedelta(days=n), f"Z{n}")
        digest = f"{n:064x}"
        document_id = doc_id(parsed, digest)
        name = document_blob_name(parsed, document_id)
        blob = container.get_blob_client(name)
        blocks = []
        for k in range(per_doc):
            block_id = base64.b64encode(f"{k:08d}".encode()).decode()
            blob.stage_block(block_id, (b"%PDF-" if k == 0 else b"") + pattern[: MIB - (5 if k == 0 else 0)])
            blocks.append(BlobBlock(block_id=block_id))
        blob.commit_block_list(blocks)
        records.append(DocumentRecord(
            doc_id=document_id, customer_number=CUSTOMER, line="LAA", doc_type="benefit_statement",
            doc_date=parsed.doc_date, reference=f"Z{n}", title="", case_number="", insured_person="",
            language="de", size=per_doc * MIB, published_at=NOW, deletes_at=NOW + timedelta(days=365),
            blob_name=name, content_sha256=digest, source_name=f"bench/{n}.pdf",
        ))
    ctx.document_index.put_many(records)
    return [r.doc_id for r in records]


def child(mode: str, connection: str, ids: list[str], max_bytes: int) -> dict[str, Any]:
    """Runs in a fresh process: warm up on one document, then measure the big archive."""
    from functions.documents import zip_response
    from shared import context
    from shared.services import bulk_download
    from shared.services.links import Caller

    ctx = AppContext(settings=settings(connection, max_bytes), clock=MutableClock(NOW),
                     storage=connect(settings(connection, max_bytes)))
    context.install(ctx)
    principal = Principal("bench-tenant", "bench-oid", "bench@muster-ag.ch", "Bench")
    grant = Grant(grant_id=f"{CUSTOMER}-{'0' * 16}", tid=principal.tid, oid=principal.oid, email=principal.email,
                  customer_number=CUSTOMER, lines=("LAA",), kind=GrantKind.CUSTOMER, status=GrantStatus.ACTIVE,
                  created_at=NOW)
    caller = Caller(principal, (grant,), "de", "127.0.0.1")
    service: BlobServiceClient = ctx.storage.blob_service

    def run(doc_ids: list[str]) -> int:
        if mode == "app":
            resp = zip_response(ctx, caller, "bench-session", CUSTOMER, doc_ids)
            assert resp.status_code == 303, resp.get_body()[:200]
            name = resp.headers["Location"].split("?")[0].split("/bench" + "downloads/")[1]
            return int(ctx.storage.container("downloads").get_blob_client(name).get_blob_properties().size)
        found = [ctx.document_index.get(CUSTOMER, i) for i in doc_ids]
        records = [r for r in found if r is not None]
        assert len(records) == len(doc_ids)
        if mode == "inline":  # the old handler: the archive joined in memory
            ports = ctx.zip_ports()
            return len(b"".join(bulk_download.stream_zip(ports, records, "de", NOW)))
        # raw: the same bytes copied with the SDK alone, no zip
        source = service.get_container_client("benchdocuments")
        target = service.get_blob_client("benchdownloads", f"raw-{time.time_ns()}.bin")
        blocks: list[BlobBlock] = []
        total = 0
        for record in records:
            offset = 0
            while offset < record.size:
                data = source.download_blob(record.blob_name, offset=offset, length=4 * MIB).readall()
                block_id = base64.b64encode(f"{len(blocks):08d}".encode()).decode()
                target.stage_block(block_id, data)
                blocks.append(BlobBlock(block_id=block_id))
                offset += len(data)
                total += len(data)
        target.commit_block_list(blocks)
        return total

    run(ids[:1])  # imports, clients, first connections
    before = peak_mib()
    t0 = time.perf_counter()
    size = run(ids)
    seconds = time.perf_counter() - t0
    return {"mode": mode, "bytes": size, "seconds": seconds, "peak_before_mib": before, "peak_after_mib": peak_mib(),
            "peak_growth_mib": peak_mib() - before}


def in_child(mode: str, connection: str, ids: list[str], max_bytes: int) -> dict[str, Any]:
    payload = json.dumps({"mode": mode, "connection": connection, "ids": ids, "max_bytes": max_bytes})
    out = subprocess.run([sys.executable, "-m", "bench.zip", "--child", payload], check=True, capture_output=True,
                         text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=500)
    parser.add_argument("--documents", type=int, default=25)
    parser.add_argument("--inline", action="store_true", help="also measure the old in-memory join (small --mib)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(child(spec["mode"], spec["connection"], spec["ids"], spec["max_bytes"])))
        return 0

    azurite = start_azurite()
    try:
        t0 = time.perf_counter()
        ids = setup(azurite.connection_string, args.mib, args.documents)
        setup_seconds = time.perf_counter() - t0
        max_bytes = args.mib * MIB
        runs = [in_child(mode, azurite.connection_string, ids, max_bytes)
                for mode in ("app", "raw", *(["inline"] if args.inline else []))]
    finally:
        azurite.stop()
    app = runs[0]
    ok = app["peak_growth_mib"] <= TARGET_MIB
    report = {"documents_mib": args.mib, "documents": args.documents, "setup_seconds": round(setup_seconds, 1),
              "target_peak_growth_mib": TARGET_MIB, "meets_target": ok, "runs": runs}
    print(f"{'run':<34} {'archive MiB':>12} {'seconds':>9} {'peak growth MiB':>16} {'target':>8}")
    labels = {"app": "app (zip_response → downloads)", "raw": "raw SDK copy, no zip (baseline)",
              "inline": "old way: archive joined in memory"}
    for r in runs:
        target = f"<= {TARGET_MIB}" if r["mode"] == "app" else ""
        print(f"{labels[r['mode']]:<34} {r['bytes'] / MIB:>12.1f} {r['seconds']:>9.1f} {r['peak_growth_mib']:>16.1f} "
              f"{target:>8}")
    print(f"time ratio app/raw: {app['seconds'] / runs[1]['seconds']:.2f}")
    print(f"results: {write_results('zip', report)}")
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
