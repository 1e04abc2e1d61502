"""Storage round trips per portal request (SPEC 7), counted at the SDK pipeline against Azurite,
through the dev host with a real session: what a request costs in Azure, and unlike a time it
is the same on every run. bench/portal.py prints the same counts beside its times."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from devhost.host import DevHost
from shared.adapters.storage.clients import Storage
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.sessions import TOUCH_INTERVAL
from shared.settings import Settings
from tests.support.client import Client, fresh_app
from tests.support.identity import login
from tests.support.portal import file_document
from tests.support.round_trips import RoundTrips

EMAIL = "anna.meier@muster-ag.ch"
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
    """A signed-in customer of 100001 (all three lines) and two of its documents."""
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
        login(client, ctx, EMAIL, grants=[("100001", ("IJM", "LAA", "LAAC"))])
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


def test_a_link_costs_two_reads_and_three_writes_side_by_side(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]]
) -> None:
    """Session and the document's id entity (the grants come with the session, the SAS is
    signed without a round trip), then the audit append, the link log's two rows in one
    transaction (`$batch`) and the person's downloaded mark, written side by side. SPEC 7 asks
    for ≤ 4: the downloaded mark (new/downloaded state, issue 13) is the fifth."""
    client, docs = customer
    for doc_id in docs.values():
        calls = _get(trips, client, f"/api/documents/{doc_id}/link")
        assert [method for method, _ in calls[:2]] == ["GET", "GET"], calls
        assert _tables(calls)[:2] == ["sessions", "docids"], calls
        writes = sorted((method, resource.split("/")[0].split("(")[0]) for method, resource in calls[2:])
        assert writes == [("POST", "$batch"), ("POST", "docstate"), ("PUT", "audit")], calls


@pytest.mark.parametrize("words", ["muller", "muller taggeld", "muller taggeld feb"])
def test_a_search_costs_the_session_one_read_per_word_at_most_and_the_state(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]], words: str
) -> None:
    """SPEC 7: a search ≤ 1 + its words; like a list page, the person's new/downloaded state
    may cost one more read."""
    client, _ = customer
    tables = _tables(_get(trips, client, f"/api/documents?q={words}"))
    assert tables[0] == "sessions" and tables[-1] == "docstate", tables
    assert set(tables[1:-1]) == {"docsearch"}, tables
    assert len(tables) - 1 <= 1 + len(words.split()), tables


def test_a_list_page_costs_the_session_one_range_read_and_the_state(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]]
) -> None:
    """SPEC 7: a list page ≤ 2 (session, one range read) + the person's state. All lines read
    the company's list of every line (docsearch, `~l-`), one line its own partition."""
    client, _ = customer
    assert _tables(_get(trips, client, "/api/documents")) == ["sessions", "docsearch", "docstate"]
    assert _tables(_get(trips, client, "/api/documents?line=LAA")) == ["sessions", "docindex", "docstate"]


def test_once_a_minute_the_session_is_touched_and_the_grants_read_again(
    trips: RoundTrips, customer: tuple[Client, dict[str, str]], clock: MutableClock
) -> None:
    client, _ = customer
    clock.advance(TOUCH_INTERVAL + timedelta(seconds=1))
    calls = _get(trips, client, "/api/documents?q=muller")
    assert _tables(calls) == ["sessions", "grants", "sessions", "docsearch", "docstate"], calls
    assert _tables(_get(trips, client, "/api/documents?q=muller")) == ["sessions", "docsearch", "docstate"]
