"""Digest benchmark (SPEC 7): a notification run costs at most 2 storage round trips per
person notified, plus what it reads of the new documents once — and that read must not grow
with the documents stored.

Each scenario starts a fresh in-memory Azurite and stores `--stored` older documents (index
entities, published over the past year), then `--new` documents published yesterday and
`--expiring` documents deleted in 30 days, for 4 companies; `--people` people hold grants (some
for two companies) and have downloaded part of the expiring ones. The real run
(`ctx.notify_digest()`, shared/wiring/use_cases.py) then goes once; every storage response is counted, split by port:
run-wide reads (grants, choices, new and expiring documents, company names) and per-person
work (their downloads, their mails). A second run checks that nothing is written twice.

    .venv/bin/python -m bench.digest [--stored 1000,20000] [--new 200] [--expiring 100] [--people 60]

Prints a table and writes JSON to bench/results/digest-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.common import OpCounter, counted_storage, write_results
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from shared.domain.documents import DocumentRecord
from shared.domain.identity import Grant, GrantKind, GrantStatus
from shared.services.digest import run_notifications
from shared.settings import Settings
from tests.support.azurite import start_azurite
from tests.support.portal import record_download

RUN_AT = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)  # a Tuesday: the daily digest of Monday 2 March
CUSTOMERS = ("100001", "100002", "100004", "100005")
LINES = ("IJM", "LAA", "LAAC")
TARGET_PER_PERSON = 2
RETENTION = timedelta(days=365)


class Counted:
    """Wraps a port and adds up the storage responses each of its methods causes."""

    def __init__(self, real: Any, counter: OpCounter, tally: dict[str, int], name: str) -> None:
        self._real, self._counter, self._tally, self._name = real, counter, tally, name

    def __getattr__(self, attr: str) -> Any:
        target = getattr(self._real, attr)
        if not callable(target):
            return target
        return self._wrap(target, f"{self._name}.{attr}")

    def _wrap(self, fn: Any, key: str) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            before = self._counter.count
            try:
                return fn(*args, **kwargs)
            finally:
                self._tally[key] = self._tally.get(key, 0) + self._counter.count - before

        return counted

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._wrap(self._real, self._name)(*args, **kwargs)


@dataclass
class Scenario:
    stored: int
    new: int
    expiring: int
    people: int
    notified: int
    digests: int
    reminders: int
    run_seconds: float
    run_wide_requests: int
    per_person_requests: int
    round_trips_per_person: float
    rerun_new_mails: int
    requests_by_port: dict[str, int]


def record(n: int, published: datetime, tag: str) -> DocumentRecord:
    customer = CUSTOMERS[n % len(CUSTOMERS)]
    line = LINES[n % 3]
    doc_id = f"{tag}{n:0>31}"[-32:].translate(str.maketrans("0189", "abcd"))
    return DocumentRecord(
        doc_id=doc_id, customer_number=customer, line=line, doc_type="benefit_statement",
        doc_date=date(2026, 1, 1) + timedelta(days=n % 300), reference=f"B{n}", title="", case_number="",
        insured_person="", language="de", size=1000, published_at=published, deletes_at=published + RETENTION,
        blob_name=f"{customer}/{line}/2026/{doc_id}.pdf", content_sha256="0" * 64, source_name=f"bench/{n}.pdf",
    )


def seed(ctx: AppContext, stored: int, new: int, expiring: int, people: int) -> list[Grant]:
    index = ctx.document_index
    for number in CUSTOMERS:
        ctx.company_store.put(Company(number, f"Firma {number}", LINES, enrolled=True))
    spread = 300 * 1440  # minutes: published over the 300 days before the window
    older = [record(n, RUN_AT - timedelta(days=2, minutes=(n * 7) % spread), "o") for n in range(stored)]
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    fresh = [record(n, monday + timedelta(seconds=n * 30), "n") for n in range(new)]
    day30 = datetime(2026, 4, 2, 8, tzinfo=UTC) - RETENTION  # deleted on 2 April: 30 days after the run
    due = [record(n, day30 + timedelta(seconds=n), "e") for n in range(expiring)]
    chunks = [older[i : i + 1000] for i in range(0, len(older), 1000)] + [fresh, due]
    with ThreadPoolExecutor(8) as pool:
        for done, _ in enumerate(pool.map(index.put_many, chunks), start=1):
            print(f"\r  setup: {done}/{len(chunks)} chunks indexed", end="", file=sys.stderr)
    print(file=sys.stderr)
    grants: list[Grant] = []
    for p in range(people):
        oid = f"00000000-0000-4000-8000-{p:012d}"
        companies = [CUSTOMERS[p % 4]] + ([CUSTOMERS[(p + 1) % 4]] if p % 3 == 0 else [])
        for number in companies:
            grant = Grant(
                grant_id=f"{number}-{p:016x}", tid="bench-tenant", oid=oid, email=f"person{p}@firma.ch",
                customer_number=number, lines=LINES if p % 2 else ("LAA",), kind=GrantKind.CUSTOMER,
                status=GrantStatus.ACTIVE, created_at=RUN_AT - timedelta(days=90),
            )
            ctx.grant_store.put(grant)
            grants.append(grant)
        # Every other person has downloaded a few of the expiring documents of their first company.
        if p % 2 == 0:
            mine = [r for r in due if r.customer_number == companies[0]][:5]
            record_download(ctx, "bench-tenant", oid, mine, RUN_AT - timedelta(days=100))
    return grants


def run_scenario(stored: int, new: int, expiring: int, people: int) -> Scenario:
    azurite = start_azurite(in_memory=True)
    counter = OpCounter()
    try:
        cs = azurite.connection_string
        storage = counted_storage(cs, counter)
        settings = Settings(storage_connection=cs, storage_prefix="bench", local_mode=True)
        ctx = AppContext(settings=settings, clock=MutableClock(RUN_AT), storage=storage)
        seed(ctx, stored, new, expiring, people)
        tally: dict[str, int] = {}
        ports = ctx.digest_ports()
        ports.active_grants = Counted(ports.active_grants, counter, tally, "grants.active_people")
        ports.preferences = Counted(ports.preferences, counter, tally, "preferences.all")
        ports.recent = Counted(ports.recent, counter, tally, "recent")  # type: ignore[assignment]
        ports.states = Counted(ports.states, counter, tally, "states")  # type: ignore[assignment]
        ports.outbox = Counted(ports.outbox, counter, tally, "outbox")  # type: ignore[assignment]
        ports.company_name = Counted(ports.company_name, counter, tally, "companies.get")
        before = counter.count
        t0 = time.perf_counter()
        report = run_notifications(ports, RUN_AT, settings.expiry_warning_days)
        seconds = time.perf_counter() - t0
        total = counter.count - before
        per_person = tally.get("outbox.enqueue_once", 0)  # who holds what due is read run-wide, per company
        again = run_notifications(ctx.digest_ports(), RUN_AT + timedelta(hours=2), settings.expiry_warning_days)
        mails = ctx.outbox_store.recent(10_000)
        assert len({m.mail_id for m in mails}) == len(mails) == report.digests + report.reminders
        notified = len(report.notified)
        return Scenario(
            stored=stored, new=new, expiring=expiring, people=people, notified=notified,
            digests=report.digests, reminders=report.reminders, run_seconds=round(seconds, 3),
            run_wide_requests=total - per_person, per_person_requests=per_person,
            round_trips_per_person=round(per_person / notified, 2) if notified else 0.0,
            rerun_new_mails=again.digests + again.reminders, requests_by_port=dict(sorted(tally.items())),
        )
    finally:
        azurite.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stored", default="1000,20000", help="older documents stored, comma-separated")
    parser.add_argument("--new", type=int, default=200, help="documents published the day before the run")
    parser.add_argument("--expiring", type=int, default=100, help="documents deleted 30 days after the run")
    parser.add_argument("--people", type=int, default=60)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scenarios = []
    for stored in (int(x) for x in args.stored.split(",")):
        print(f"scenario: {stored} stored, {args.new} new, {args.expiring} expiring (fresh Azurite)", file=sys.stderr)
        scenarios.append(run_scenario(stored, args.new, args.expiring, args.people))
    print(f"{'stored':>7} {'people':>6} {'notified':>8} {'mails':>6} {'run-wide req':>12} "
          f"{'per-person req':>14} {'per person':>10} {'target':>6} {'rerun mails':>11} {'run s':>7}")
    for s in scenarios:
        print(f"{s.stored:>7} {s.people:>6} {s.notified:>8} {s.digests + s.reminders:>6} {s.run_wide_requests:>12} "
              f"{s.per_person_requests:>14} {s.round_trips_per_person:>10} {'≤ ' + str(TARGET_PER_PERSON):>6} "
              f"{s.rerun_new_mails:>11} {s.run_seconds:>7}")
    for s in scenarios:
        print(f"  stored {s.stored}: requests by port {s.requests_by_port}")
    out = write_results("digest", {"run_at": RUN_AT.isoformat(), "scenarios": [asdict(s) for s in scenarios]})
    print(f"results: {out}")
    worst = max(s.round_trips_per_person for s in scenarios)
    return 0 if worst <= TARGET_PER_PERSON and all(s.rerun_new_mails == 0 for s in scenarios) else 1


if __name__ == "__main__":
    sys.exit(main())
