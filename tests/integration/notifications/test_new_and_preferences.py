"""New/downloaded per person, the preferences API, the settings page and the one-click
unsubscribe — through the real dev host, sessions and grants, against Azurite."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.identity.unsubscribe_tokens import make_token
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.notifications import Choice, Frequency, person_key
from tests.support.client import Client
from tests.support.identity import add_grant, login
from tests.support.portal import file_document

ANNA = "anna.meier@muster-ag.ch"
BEN = "ben.keller@muster-ag.ch"


@pytest.fixture
def docs(ctx: AppContext, clock: MutableClock) -> dict[str, Any]:
    old = clock.now()
    clock.set(old - timedelta(days=60))  # published 60 days ago: no longer "new"
    made = {"old": file_document(ctx, "100001", "IJM", "payment_letter", "2026-01-02", "K-1")}
    clock.set(old)
    made["laa"] = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-01", "R1")
    made["laa2"] = file_document(ctx, "100001", "LAA", "waiting_letter", "2026-02-27", "R2")
    return made


def _items(http: Client) -> dict[str, dict[str, Any]]:
    resp = http.get("/api/documents")
    assert resp.status_code == 200, resp.text
    return {item["id"]: item for item in resp.json()["items"]}


def test_new_until_the_person_downloads_it_and_others_do_not_clear_it(
    ctx: AppContext, http: Client, devhost: Any, docs: dict[str, Any], clock: MutableClock
) -> None:
    """GIVEN two people of one company WHEN Anna downloads a document THEN it is no longer new
    for her, shows when she last did, and stays new for Ben."""
    add_grant(ctx, BEN, "100001", ("IJM", "LAA"))
    login(http, ctx, ANNA, grants=[("100001", ("IJM", "LAA"))])
    items = _items(http)
    assert items[docs["laa"].doc_id]["new"] is True and items[docs["laa"].doc_id]["downloaded_at"] is None
    assert items[docs["old"].doc_id]["new"] is False  # published outside the "new" window
    assert http.get(f"/api/documents/{docs['laa'].doc_id}/link").status_code == 200
    items = _items(http)
    assert items[docs["laa"].doc_id]["new"] is False
    assert items[docs["laa"].doc_id]["downloaded_at"] == ctx.clock.now().isoformat().replace("+00:00", "Z")
    assert items[docs["laa2"].doc_id]["new"] is True
    # A later download or view moves "downloaded on" to it (the last one is shown).
    clock.advance(timedelta(minutes=5))
    assert http.get(f"/api/documents/{docs['laa'].doc_id}/link?disposition=inline").status_code == 200
    items = _items(http)
    assert items[docs["laa"].doc_id]["downloaded_at"] == ctx.clock.now().isoformat().replace("+00:00", "Z")

    ben = Client(devhost.base_url)
    try:
        login(ben, ctx, BEN)
        theirs = _items(ben)
        assert theirs[docs["laa"].doc_id]["new"] is True and theirs[docs["laa"].doc_id]["downloaded_at"] is None
    finally:
        ben.close()


def test_zip_marks_every_document_and_the_page_shows_badges_and_counts(
    ctx: AppContext, http: Client, docs: dict[str, Any]
) -> None:
    csrf = login(http, ctx, ANNA, grants=[("100001", ("IJM", "LAA"))])
    page = http.get("/portal?lang=de&line=LAA").text
    assert page.count('data-new="true"') == 2 and 'data-new-count="2"' in page
    ids = [docs["laa"].doc_id, docs["laa2"].doc_id]
    resp = http.post("/api/documents/zip", json={"ids": ids}, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 303  # to the archive, built in `downloads`
    page = http.get("/portal?lang=de&line=LAA").text
    assert 'data-new="true"' not in page and "data-new-count" not in page
    assert page.count("Heruntergeladen am") == 2


def test_preferences_api(ctx: AppContext, http: Client) -> None:
    assert http.get("/api/me/preferences").status_code == 401
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    assert http.get("/api/me/preferences").json() == {"new_documents": "daily", "expiry_reminders": True}
    assert http.put("/api/me/preferences", json={"new_documents": "weekly"}).status_code == 403  # no CSRF
    bad = http.put("/api/me/preferences", json={"new_documents": "hourly", "x": 1}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"new_documents": "invalid", "x": "unknown_field"}
    body = {"new_documents": "weekly", "expiry_reminders": False}
    ok = http.put("/api/me/preferences", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and ok.json() == {"new_documents": "weekly", "expiry_reminders": False}
    assert http.get("/api/me/preferences").json() == {"new_documents": "weekly", "expiry_reminders": False}
    assert http.delete("/api/me/preferences").status_code == 405


def test_settings_page_saves_the_choices_in_the_pages_language(ctx: AppContext, http: Client) -> None:
    resp = http.get("/portal/settings?lang=fr", allow_redirects=False)
    assert resp.status_code == 303 and "/api/auth/login" in resp.headers["Location"]
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    page = http.get("/portal/settings?lang=fr").text
    assert 'value="daily" checked' in page
    forged = http.post("/portal/settings?lang=fr", data={"new_documents": "off"}, allow_redirects=False)
    assert forged.status_code == 403
    resp = http.post(
        "/portal/settings?lang=fr", data={"new_documents": "off", "csrf_token": csrf}, allow_redirects=False
    )
    assert resp.status_code == 303 and "saved=1" in resp.headers["Location"]
    page = http.get(resp.headers["Location"]).text
    assert 'value="off" checked' in page and 'id="saved"' in page
    principal = http.get("/api/me").json()
    assert principal["email"] == ANNA
    stored = list(ctx.preference_store.all().values())
    assert stored[0].new_documents is Frequency.OFF and stored[0].expiry_reminders is False
    assert stored[0].language == "fr"


def test_unsubscribe_get_confirms_post_changes_only_that_choice(ctx: AppContext, http: Client) -> None:
    grant = add_grant(ctx, ANNA, "100001", ("LAA",))
    person = person_key(grant.tid, grant.oid)
    token = make_token(ctx.unsubscribe_key, person, Choice.NEW_DOCUMENTS)
    page = http.get(f"/api/notifications/unsubscribe?token={token}&lang=de")
    assert page.status_code == 200 and 'data-outcome="confirm"' in page.text
    assert ctx.preference_store.get(person).new_documents is Frequency.DAILY  # GET changed nothing
    # A mail client's one-click POST: no session, no cookie, cross-site.
    resp = http.post(
        f"/api/notifications/unsubscribe?token={token}",
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://mail.example"},
    )
    assert resp.status_code == 200 and 'data-outcome="done"' in resp.text
    after = ctx.preference_store.get(person)
    assert after.new_documents is Frequency.OFF and after.expiry_reminders is True
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    bad = http.post(f"/api/notifications/unsubscribe?token={tampered}")
    assert bad.status_code == 400 and 'data-outcome="invalid"' in bad.text
