"""Graph through the real msal client-credentials flow and requests, against the HTTPS stand-in."""

from __future__ import annotations

import pytest

from shared.adapters.identity.graph import GraphRefused, GraphUnavailable, retry_after_seconds
from shared.context import AppContext
from tests.integration.identity.fakes import FakeEntraGraph


def test_app_token_is_fetched_once_and_cached_by_msal(entra_ctx: AppContext, entra: FakeEntraGraph) -> None:
    client = entra_ctx.entra_client
    first = client.app_token("https://graph.example/.default")
    second = client.app_token("https://graph.example/.default")
    assert first == second and first.startswith("app-token-")
    assert entra.client_credential_grants == 1


def test_invitation_payload(entra_ctx: AppContext, entra: FakeEntraGraph) -> None:
    oid = entra_ctx.graph_client.invite(
        "anna@muster-ag.ch", "https://portal.example/portal?lang=fr", "fr", "Anna Muster"
    )
    assert oid == entra.invited_oids["anna@muster-ag.ch"]
    assert entra.invitations == [
        {
            "invitedUserEmailAddress": "anna@muster-ag.ch",
            "inviteRedirectUrl": "https://portal.example/portal?lang=fr",
            "sendInvitationMessage": True,
            "invitedUserMessageInfo": {"messageLanguage": "fr-CH"},
            "invitedUserDisplayName": "Anna Muster",
        }
    ]
    posted = [r for r in entra.requests if r[1] == "/v1.0/invitations"]
    assert posted[0][2]["Authorization"].startswith("Bearer app-token-")


def test_send_mail_is_mime_with_text_html_and_one_click_headers(entra_ctx: AppContext, entra: FakeEntraGraph) -> None:
    """Graph's JSON form takes only `x-` headers, so the mail goes as MIME: both parts, and the
    RFC 8058 headers a mail client needs for its unsubscribe button."""
    unsubscribe = "<https://portal.example/api/notifications/unsubscribe?token=abc>"
    entra_ctx.graph_client.send(
        ["anna@muster-ag.ch"],
        "Betreff Grüsse",
        "Text für Sie",
        "<p>html</p>",
        message_id="<x1@versicherer.ch>",
        headers={"List-Unsubscribe": unsubscribe, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    ((sender, record),) = entra.mails
    message = record["mime"]
    assert sender == "portal@versicherer.ch"
    assert message["From"] == "portal@versicherer.ch" and message["To"] == "anna@muster-ag.ch"
    assert message["Subject"] == "Betreff Grüsse" and message["Message-ID"] == "<x1@versicherer.ch>"
    assert message["List-Unsubscribe"].strip() == unsubscribe  # folded onto its own line: long
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content().strip() == "Text für Sie"
    assert message.get_body(("html",)).get_content().strip() == "<p>html</p>"
    posted = [r for r in entra.requests if r[1].endswith("/sendMail")]
    assert posted[0][2]["Content-Type"] == "text/plain"


def test_a_mail_cannot_add_arbitrary_headers(entra_ctx: AppContext, entra: FakeEntraGraph) -> None:
    with pytest.raises(ValueError):
        entra_ctx.graph_client.send(["anna@muster-ag.ch"], "s", "t", "h", headers={"Bcc": "x@evil.example"})
    assert entra.mails == []


def test_429_and_5xx_are_retried_honouring_retry_after(
    entra_ctx: AppContext, entra: FakeEntraGraph, sleeps: list[float]
) -> None:
    entra.invite_script.failures = [(429, {"Retry-After": "7"}), (503, {}), (502, {"Retry-After": "1"})]
    oid = entra_ctx.graph_client.invite("anna@muster-ag.ch", "https://p/portal", "de")
    assert oid and sleeps == [7.0, 2.0, 1.0]  # Retry-After, backoff for attempt 2, Retry-After
    assert len(entra.invitations) == 1


def test_gives_up_after_five_attempts(entra_ctx: AppContext, entra: FakeEntraGraph, sleeps: list[float]) -> None:
    entra.mail_script.failures = [(503, {"Retry-After": "3"})] * 5
    with pytest.raises(GraphUnavailable):
        entra_ctx.graph_client.send(["anna@muster-ag.ch"], "s", "t", "h")
    assert sleeps == [3.0] * 4 and entra.mails == []


def test_other_4xx_are_not_retried(entra_ctx: AppContext, entra: FakeEntraGraph, sleeps: list[float]) -> None:
    entra.invite_script.failures = [(403, {})]
    with pytest.raises(GraphRefused) as caught:
        entra_ctx.graph_client.invite("anna@muster-ag.ch", "https://p/portal", "de")
    assert caught.value.status == 403 and sleeps == []


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("5", 1) == 5.0
    assert retry_after_seconds("9999", 1) == 60.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", 3) == 4.0  # HTTP-date: fall back to backoff
    assert retry_after_seconds(None, 1) == 1.0
