"""Storage round trips per portal request (SPEC 7), counted at the SDK pipeline against Azurite,
through the dev host with a real session: what a request costs in Azure, and unlike a time it
is the same on every run. bench/portal.py prints the same counts beside its times."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from devhost.host import DevHost
from shared.adapters.storage.clients import Storage
from shared.adapters.storage.doc_state import DocStateStore
from shared.adapters.storage.link_log import LINKS_PER_TRANSACTION, LinkLog
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.issued_links import IssuedLink
from shared.domain.sessions import TOUCH_INTERVAL
from shared.settings import Settings
from tests.support.client import Client, fresh_app
from tests.support.identity import login
from tests.support.portal import file_document
from tests.support.round_trips import RoundTrips

EMAIL = "anna.meier@muster-ag.ch"
TID, OID = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
Calls = list[tuple[str, str]]


@pytest.fixture
def trips() -> RoundTrips:
    return RoundTrips()


@pytest.fixture
def storage(settings: Settings, trips: RoundTrips) -> Storage:
    """The test's storage on clients that report every request to `trips` (conftest's `ctx`
    builds the app's context on it)."""
    store = trips.storage(settings)
    store.ensure()
    return store


@pytest.fixture
def customer(ctx: AppContext) -> Iterator[tuple[Client, dict[str, str]]]:
    """A signed-in customer of 100001 (all three lines) and two of its documents; the session's
    CSRF token is `docs["csrf"]`."""
    docs = {
        "laa": file_document(
            ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R123",
            title="Décompte mars", insured_person="Jürg Müller", case_number="UV-2026-77",
        ).doc_id,
        "ijm": file_document(
            ctx, "100001", "IJM", "payment_letter", "2026-02-15", "K-55",
            title="Taggeld Februar", insured_person="Jürg Müller",
        ).doc_id,
    }
    host = DevHost(fresh_app(), port=0, watch_blobs=False, run_timers=False).start()
    client = Client(host.base_url)
    try:
        docs["csrf"] = login(client, ctx, EMAIL, grants=[("100001", ("IJM", "LAA", "LAAC"))])
        yield client, docs
    finally:
        client.close()
        host.stop()


def _get(trips: RoundTrips, client: Client, path: str) -> Calls:
    with trips.counting() as calls:
        resp = client.get(path)
    assert resp.status_code == 200, resp.text
    return calls


def _tables(calls: Calls) -> list[str]:
    return [resource.split("(")[0] for _, resource in calls]


def test_without_a_session_a_link_request_reads_and_writes_nothing_of_the_document(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]], settings: Settings
) -> None:
    """The id entity is read beside the session, but a caller without a session gets 401 and
    no write, and a malformed id is never read at all. (The malformed id goes first: a valid
    id's read may still be answered after its 401 has left, in the next request's window.)"""
    _, docs = customer
    anonymous = Client(customer[0].base_url)
    try:
        with trips.counting() as calls:
            assert anonymous.get("/api/documents/NOT-AN-ID/link").status_code == 401
        assert "docids" not in _tables(calls), calls
        with trips.counting() as calls:
            assert anonymous.get(f"/api/documents/{docs['laa']}/link").status_code == 401
        assert all(method == "GET" for method, _ in calls), calls
    finally:
        anonymous.close()


def test_a_link_costs_two_reads_and_two_writes_side_by_side(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]]
) -> None:
    """SPEC 7: a link ≤ 4. Session and the document's id entity, read side by side (the grants
    come with the session, the SAS is signed without a round trip), then, side by side, the
    audit append and one transaction (`$batch`) on `doclinks` holding the link log's two rows
    and the person's downloaded marks."""
    client, docs = customer
    for doc_id in (docs["laa"], docs["ijm"]):
        calls = _get(trips, client, f"/api/documents/{doc_id}/link")
        assert len(calls) == 4, calls
        assert [method for method, _ in calls[:2]] == ["GET", "GET"], calls
        assert sorted(_tables(calls)[:2]) == ["docids", "sessions"], calls
        writes = sorted((method, resource.split("/")[0].split("(")[0]) for method, resource in calls[2:])
        assert writes == [("POST", "$batch"), ("PUT", "audit")], calls


def _zip(trips: RoundTrips, client: Client, csrf: str, ids: list[str]) -> Calls:
    with trips.counting() as calls:
        resp = client.post("/api/documents/zip", json={"ids": ids}, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 303, resp.text
    return calls


def test_a_zip_records_its_documents_in_one_transaction_not_one_per_document(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]]
) -> None:
    """The link log's rows and the downloaded marks of every document of a ZIP go in one
    `$batch` (up to 25 documents of a company): a second document adds its reads (its id
    entity, its blob), no write; nothing else writes `doclinks`."""
    client, docs = customer
    one = _zip(trips, client, docs["csrf"], [docs["laa"]])
    two = _zip(trips, client, docs["csrf"], [docs["laa"], docs["ijm"]])
    for calls in (one, two):
        assert calls.count(("POST", "$batch")) == 1, calls
        assert "doclinks" not in _tables(calls), calls
    writes = [[m for m, _ in calls if m not in ("GET", "HEAD")] for calls in (one, two)]
    assert Counter(writes[1]) == Counter(writes[0]), writes


@pytest.mark.parametrize("documents", [1, LINKS_PER_TRANSACTION, LINKS_PER_TRANSACTION + 1, 200])
def test_n_documents_of_one_company_are_recorded_in_ceil_n_over_25_transactions(
    trips: RoundTrips, storage: Storage, documents: int
) -> None:
    """Four rows per document, at most 100 operations per transaction and a document's rows
    never split: ⌈N / 25⌉ transactions — 8 for the largest archive (200), not 200."""
    log = LinkLog(storage.table("doclinks"))
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    links = [
        IssuedLink(
            doc_id=f"{n:032d}".translate(str.maketrans("0123456789", "abcdefghij")), kind="zip", issued_at=now,
            expires_at=None, actor=f"{TID}/{OID}", actor_email=EMAIL, client="127.0.0.1", customer_number="100001",
            line="LAA", doc_type="benefit_statement", deletes_at=now + timedelta(days=365),
        )
        for n in range(documents)
    ]
    with trips.counting() as calls:
        log.record_many(links)
    assert calls == [("POST", "$batch")] * math.ceil(documents / LINKS_PER_TRANSACTION)
    assert len(list(log.for_company("100001", now.date(), now.date()))) == documents
    assert len(DocStateStore(storage.table("doclinks")).downloaded(TID, OID, ["100001"])) == documents


@pytest.mark.parametrize("words", ["muller", "muller taggeld", "muller taggeld feb"])
def test_a_search_costs_the_session_one_read_per_word_at_most_and_the_state(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]], words: str
) -> None:
    """SPEC 7: a search ≤ 1 + its words; like a list page, the person's new/downloaded state
    may cost one more read."""
    client, _ = customer
    tables = _tables(_get(trips, client, f"/api/documents?q={words}"))
    assert tables[0] == "sessions" and tables[-1] == "doclinks", tables
    assert set(tables[1:-1]) == {"docsearch"}, tables
    assert len(tables) - 1 <= 1 + len(words.split()), tables


def test_a_list_page_costs_the_session_one_range_read_and_the_state(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]]
) -> None:
    """SPEC 7: a list page ≤ 2 (session, one range read) + the person's state. All lines read
    the company's list of every line (`~l-` rows), one line its own range (`{LINE}-` rows), both in
    the company's docindex partition."""
    client, _ = customer
    assert _tables(_get(trips, client, "/api/documents")) == ["sessions", "docindex", "doclinks"]
    assert _tables(_get(trips, client, "/api/documents?line=LAA")) == ["sessions", "docindex", "doclinks"]


def test_once_a_minute_the_session_is_touched_and_the_grants_read_again(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]], clock: MutableClock
) -> None:
    client, _ = customer
    clock.advance(TOUCH_INTERVAL + timedelta(seconds=1))
    calls = _get(trips, client, "/api/documents?q=muller")
    assert _tables(calls) == ["sessions", "grants", "sessions", "docsearch", "doclinks"], calls
    assert _tables(_get(trips, client, "/api/documents?q=muller")) == ["sessions", "docsearch", "doclinks"]
