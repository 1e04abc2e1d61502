"""Graph with the managed identity's own token (real azure-identity against the identity
endpoint stand-in) and requests, against the HTTPS Graph stand-in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.identity.graph import GraphRefused, GraphUnavailable, retry_after_seconds
from shared.clock import MutableClock
from shared.context import AppContext
from tests.integration.identity.fakes import FakeEntraGraph
from tests.integration.identity.managed_identity_fake import FakeManagedIdentity


def test_graph_token_comes_from_the_managed_identity_and_is_cached_until_near_expiry(
    entra_ctx: AppContext, entra: FakeEntraGraph, managed_identity: FakeManagedIdentity
) -> None:
    """GIVEN the identity endpoint issuing 24-hour tokens WHEN Graph is called three times, the
    last one 23 h 56 min later on the injected clock THEN the identity was asked for Graph's
    resource twice (cached, then renewed within 5 minutes of expiry), each call carried the
    token current at that time, and the app registration's token endpoint was never used."""
    graph = entra_ctx.graph_client
    graph.send(["anna@muster-ag.ch"], "s", "t", "h")
    graph.send(["anna@muster-ag.ch"], "s", "t", "h")
    assert managed_identity.resources() == [entra.base]
    assert isinstance(entra_ctx.clock, MutableClock)
    entra_ctx.clock.advance(timedelta(hours=23, minutes=56))
    graph.send(["anna@muster-ag.ch"], "s", "t", "h")
    issued = managed_identity.tokens_for(entra.base)
    assert len(issued) == 2
    sent = [r[2]["Authorization"] for r in entra.requests if r[1].endswith("/sendMail")]
    assert sent == [f"Bearer {issued[0]}", f"Bearer {issued[0]}", f"Bearer {issued[1]}"]
    assert entra.client_credential_grants == 0 and entra.client_auth == []


def test_graph_refuses_a_token_the_identity_did_not_issue(
    entra_ctx: AppContext, entra: FakeEntraGraph, managed_identity: FakeManagedIdentity
) -> None:
    """The stand-in checks the bearer: a token for another resource is not accepted."""
    entra.trusted_graph_tokens = lambda: managed_identity.tokens_for("https://somewhere.else")
    with pytest.raises(GraphRefused) as caught:
        entra_ctx.graph_client.invite("anna@muster-ag.ch", "https://p/portal", "de")
    assert caught.value.status == 401


def test_no_identity_token_is_a_temporary_graph_failure(
    entra_ctx: AppContext, entra: FakeEntraGraph, managed_identity: FakeManagedIdentity
) -> None:
    managed_identity.refuse = True
    with pytest.raises(GraphUnavailable):
        entra_ctx.graph_client.send(["anna@muster-ag.ch"], "s", "t", "h")
    assert entra.mails == []


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
    assert posted[0][2]["Authorization"].startswith("Bearer mi-")


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
