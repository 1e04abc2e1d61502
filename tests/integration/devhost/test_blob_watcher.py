"""The blob trigger through the dev host's watcher on a real Azurite: once per blob version, also
across a restart; bounded retries then a poison record; a blob the function deletes is gone."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import requests

from devhost.invocations import Invocation
from shared.adapters.storage.clients import Storage
from tests.support.devhost import RECEIVED, HostFactory


def about(name: str) -> Callable[[Invocation], bool]:
    return lambda inv: inv.function == "on_incoming" and inv.subject == name


def runs(host: object, name: str) -> list[Invocation]:
    return host.invocations.finished(about(name))  # type: ignore[attr-defined]


def test_a_dropped_blob_triggers_exactly_once_even_across_a_restart(make_host: HostFactory, storage: Storage) -> None:
    """GIVEN a running host WHEN a blob is dropped THEN one invocation; a restarted host skips it by
    its receipt, and a new version of the same name triggers again."""
    incoming = storage.container("incoming")
    first = make_host(run_timers=False)
    incoming.upload_blob("100001/LAA/benefit_statement/2026-03-01_A1.pdf", b"%PDF-1 one")
    [run] = first.invocations.wait(about("100001/LAA/benefit_statement/2026-03-01_A1.pdf"), timeout=15)
    assert run.ok and run.trigger == "blob"
    assert first.blob_watcher is not None
    first.blob_watcher.wait_for_scans(first.blob_watcher.scans + 2)  # later scans see the receipt
    assert len(runs(first, "100001/LAA/benefit_statement/2026-03-01_A1.pdf")) == 1
    first.stop()

    second = make_host(run_timers=False)
    assert second.blob_watcher is not None
    second.blob_watcher.wait_for_scans(2)
    assert runs(second, "100001/LAA/benefit_statement/2026-03-01_A1.pdf") == []

    incoming.upload_blob("100001/LAA/benefit_statement/2026-03-01_A1.pdf", b"%PDF-1 two", overwrite=True)
    [again] = second.invocations.wait(about("100001/LAA/benefit_statement/2026-03-01_A1.pdf"), timeout=15)
    assert again.ok


def test_the_function_receives_name_content_length_and_metadata(make_host: HostFactory, storage: Storage) -> None:
    name = f"meta/{uuid.uuid4().hex}.pdf"
    host = make_host(run_timers=False)
    storage.container("incoming").upload_blob(name, b"%PDF-abc", metadata={"title": "Abrechnung%20M%C3%A4rz"})
    host.invocations.wait(about(name), timeout=15)
    [got] = RECEIVED[f"incoming/{name}"]
    assert got["data"] == b"%PDF-abc"
    assert got["length"] == 8
    assert got["metadata"] == {"title": "Abrechnung%20M%C3%A4rz"}
    assert str(got["uri"]).endswith(f"/{storage.container_name('incoming')}/{name}")


def test_a_blob_function_runs_on_demand_through_the_admin_api(make_host: HostFactory, storage: Storage) -> None:
    name = f"admin/{uuid.uuid4().hex}.pdf"
    host = make_host(watch_blobs=False, run_timers=False)
    storage.container("incoming").upload_blob(name, b"%PDF-on-demand")
    resp = requests.post(f"{host.base_url}/admin/functions/on_incoming", json={"input": f"incoming/{name}"}, timeout=10)
    assert resp.status_code == 202
    [run] = host.invocations.wait(about(name), timeout=15)
    assert run.ok and run.source == "admin"
    assert RECEIVED[f"incoming/{name}"][0]["data"] == b"%PDF-on-demand"
    missing_input = requests.post(f"{host.base_url}/admin/functions/on_incoming", json={}, timeout=10)
    assert missing_input.status_code == 400


def test_a_failing_function_ends_as_a_poison_record_after_its_retries(make_host: HostFactory, storage: Storage) -> None:
    """GIVEN a function that always fails on a blob WHEN the watcher retries THEN exactly
    max_attempts runs, then a poison record naming the blob and the error; a restart does not retry."""
    host = make_host(run_timers=False, max_attempts=3)
    storage.container("incoming").upload_blob("bad/one.pdf", b"%PDF-x", metadata={"fail": "yes"})
    failures = host.invocations.wait(about("bad/one.pdf"), count=3, timeout=20)
    assert all(not f.ok for f in failures)
    assert host.blob_watcher is not None
    host.blob_watcher.wait_for_scans(host.blob_watcher.scans + 2)
    assert len(runs(host, "bad/one.pdf")) == 3
    [poison] = host.blob_watcher.receipts.poisoned("on_incoming")
    assert poison.blob == "incoming/bad/one.pdf"
    assert poison.attempts == 3
    assert "ValueError: cannot file incoming/bad/one.pdf" in poison.error
    assert storage.container("incoming").get_blob_client("bad/one.pdf").exists()  # nothing dropped
    host.stop()

    again = make_host(run_timers=False, max_attempts=3)
    assert again.blob_watcher is not None
    again.blob_watcher.wait_for_scans(2)
    assert runs(again, "bad/one.pdf") == []


def test_a_blob_deleted_by_the_function_is_simply_gone(make_host: HostFactory, storage: Storage) -> None:
    host = make_host(run_timers=False)
    incoming = storage.container("incoming")
    incoming.upload_blob("gone/now.pdf", b"%PDF-x", metadata={"delete": "yes"})
    [run] = host.invocations.wait(about("gone/now.pdf"), timeout=15)
    assert run.ok
    assert host.blob_watcher is not None
    host.blob_watcher.wait_for_scans(host.blob_watcher.scans + 2)
    assert not incoming.get_blob_client("gone/now.pdf").exists()
    assert len(runs(host, "gone/now.pdf")) == 1
    assert host.blob_watcher.receipts.poisoned() == []


def test_many_blobs_each_trigger_once(make_host: HostFactory, storage: Storage) -> None:
    host = make_host(run_timers=False)
    incoming = storage.container("incoming")
    names = [f"bulk/{i:03d}.pdf" for i in range(30)]
    for name in names:
        incoming.upload_blob(name, b"%PDF-" + name.encode())
    host.invocations.wait(lambda inv: inv.subject.startswith("bulk/"), count=30, timeout=30)
    assert host.blob_watcher is not None
    host.blob_watcher.wait_for_scans(host.blob_watcher.scans + 2)
    assert sorted(i.subject for i in host.invocations.finished(lambda inv: inv.subject.startswith("bulk/"))) == names
