"""Microsoft Graph for the two things the portal asks of it: B2B invitations and sendMail.

Calls carry an app-only token (client credentials via msal, cached there). 429 and 5xx
are retried with backoff that honours `Retry-After`; the sleeper is injected so tests
never wait. Other 4xx are refusals and are not retried.
"""

from __future__ import annotations

import base64
import logging
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests

from shared.adapters.mail.mime import build_mime

log = logging.getLogger("portal.graph")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 60.0
# Graph's messageLanguage takes a locale; the portal's languages as spoken in Switzerland.
MESSAGE_LANGUAGES = {"de": "de-CH", "fr": "fr-CH", "it": "it-CH", "en": "en-GB"}


class GraphError(Exception):
    """Base: Graph did not do what we asked."""


class GraphRefused(GraphError):
    """Graph answered a 4xx other than 429: retrying the same call will not help."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code


class GraphUnavailable(GraphError):
    """Graph kept answering 429/5xx or could not be reached, after every retry."""


def retry_after_seconds(header: str | None, attempt: int) -> float:
    """`Retry-After` in seconds when given (capped), else exponential backoff 1, 2, 4 … s."""
    if header:
        try:
            return min(MAX_WAIT_SECONDS, max(0.0, float(header.strip())))
        except ValueError:
            pass
    return min(MAX_WAIT_SECONDS, float(2 ** (attempt - 1)))


class GraphClient:
    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        http: requests.Session,
        sender: str = "",
        tenant: str = "",
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.http = http
        self.sender = sender
        self._tenant = tenant
        self._sleep = sleep
        self.max_attempts = max_attempts

    @property
    def tenant(self) -> str:
        """The tenant the invited guests live in (the insurer's), i.e. their `tid` at sign-in."""
        return self._tenant

    def _post(self, path: str, payload: dict[str, Any] | None = None, mime: bytes = b"") -> requests.Response:
        """POST JSON, or (`mime`) a base64 MIME message as `text/plain` — sendMail's MIME form."""
        url = f"{self.base_url}{path}"
        for attempt in range(1, self.max_attempts + 1):
            try:
                headers = {"Authorization": f"Bearer {self._token()}"}
                if mime:
                    headers["Content-Type"] = "text/plain"
                    resp = self.http.post(url, data=base64.b64encode(mime), headers=headers, timeout=30)
                else:
                    resp = self.http.post(url, json=payload, headers=headers, timeout=30)
            except requests.RequestException as exc:
                if attempt == self.max_attempts:
                    raise GraphUnavailable("Graph unreachable") from exc
                self._sleep(retry_after_seconds(None, attempt))
                continue
            if resp.status_code < 400:
                return resp
            if resp.status_code not in RETRY_STATUSES:
                raise GraphRefused(resp.status_code, _error_code(resp))
            if attempt == self.max_attempts:
                raise GraphUnavailable(f"Graph answered {resp.status_code} {self.max_attempts} times")
            wait = retry_after_seconds(resp.headers.get("Retry-After"), attempt)
            log.info("graph: %s answered %s, retry %d in %.1fs", path, resp.status_code, attempt, wait)
            self._sleep(wait)
        raise GraphUnavailable("no attempt made")  # only when max_attempts < 1

    def invite(self, email: str, redirect_url: str, language: str, display_name: str = "") -> str:
        """`POST /invitations`: Entra sends its own invitation in the person's language; returns the oid."""
        payload: dict[str, Any] = {
            "invitedUserEmailAddress": email,
            "inviteRedirectUrl": redirect_url,
            "sendInvitationMessage": True,
            "invitedUserMessageInfo": {"messageLanguage": MESSAGE_LANGUAGES.get(language, "de-CH")},
        }
        if display_name:
            payload["invitedUserDisplayName"] = display_name
        resp = self._post("/invitations", payload)
        try:
            oid = resp.json()["invitedUser"]["id"]
        except (ValueError, KeyError, TypeError) as exc:
            raise GraphRefused(resp.status_code, "no_invited_user") from exc
        if not isinstance(oid, str) or not oid:
            raise GraphRefused(resp.status_code, "no_invited_user")
        return oid

    def send(
        self,
        to: Sequence[str],
        subject: str,
        text: str,
        html: str,
        message_id: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """`POST /users/{sender}/sendMail` (202) in MIME form: the plain-text and the HTML part, and
        the one-click unsubscribe headers, which Graph's JSON form cannot carry (shared/adapters/mime.py).
        MIME messages are saved to Sent Items by Graph; the portal's outbox is the record that counts."""
        if not self.sender:
            raise GraphRefused(0, "no_sender_configured")
        mime = build_mime(self.sender, to, subject, text, html, message_id, headers)
        self._post(f"/users/{urllib.parse.quote(self.sender, safe='@.')}/sendMail", mime=mime)


def _error_code(resp: requests.Response) -> str:
    try:
        code = resp.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return "unknown"
    return str(code)[:64]
