"""A mail as MIME, for Graph's sendMail in MIME format.

Graph's JSON message only takes custom headers named `x-…`, so `List-Unsubscribe` and
`List-Unsubscribe-Post` (RFC 8058) cannot ride on it; a MIME message (base64, sent as
`text/plain`) carries any header — and the plain-text part beside the HTML one
(multipart/alternative), which the JSON form has no place for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

# Headers a caller may add; everything else is set here (no header injection through data).
ALLOWED_EXTRA = frozenset({"List-Unsubscribe", "List-Unsubscribe-Post"})


def build_mime(
    sender: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str,
    message_id: str = "",
    headers: Mapping[str, str] | None = None,
) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = formatdate(usegmt=True)
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        if name not in ALLOWED_EXTRA:
            raise ValueError(f"header {name!r} is not one a mail may add")
        msg[name] = " ".join(value.split())
    msg.set_content(text or " ", subtype="plain", charset="utf-8")
    if html:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg.as_bytes()
