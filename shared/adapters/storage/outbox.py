"""The durable mail outbox in Table storage `outbox`.

A use case enqueues a rendered mail in the same request that changes state; a sender (Graph
in Azure, nobody locally — `GET /api/dev/outbox` shows them) claims and delivers later.

Layout: partition `mail`, row key = mail id, which sorts newest first (inverted
milliseconds + random suffix) so `recent()` is one ordered read. Partition `dedupe` maps the
hash of a dedupe key to a mail id, written insert-if-absent first: enqueueing twice with the
same key — a retried request, a redelivered event — yields one mail.

Statuses: `pending` → (`claim`, one ETag-conditional write) `sending` → `sent`; a failed
attempt goes back to `pending` with `retry_at`, or to `failed` for good. A mail stuck in
`sending` (the sender died mid-send) is left for a person: re-sending could send it twice.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableTransactionError, UpdateMode

from shared.clock import Clock
from shared.domain.outbox import FAILED, PENDING, SENDING, SENT, MailDraft, OutboxMail

log = logging.getLogger("portal.outbox")

MAIL: Final = "mail"
DEDUPE: Final = "dedupe"
# A Table string property holds at most 64 KiB of UTF-16.
MAX_BODY_CHARS: Final = 30_000
_MAX_US: Final = 10**16 - 1
# Orders mails written in the same microsecond (a test clock stands still) newest first.
_SEQUENCE = itertools.count()


class OutboxError(Exception):
    """A mail cannot be stored (too large) or a state change lost a race."""


def once_mail_id(anchor: datetime, dedupe_key: str) -> str:
    """A mail id that is a function of its key: the insert itself is the claim, so a rerun, a
    retry or a second instance writing the same mail fails instead of sending it twice. It
    sorts by `anchor` (the run's day), newest first like the others."""
    micros = int(anchor.timestamp() * 1_000_000)
    return f"{_MAX_US - micros:016d}{hashlib.sha256(dedupe_key.encode('utf-8')).hexdigest()[:22]}"


def new_mail_id(created: datetime) -> str:
    """Sorts newest first in a Table partition: inverted time, then an inverted per-process
    sequence for mails of the same instant; the random tail keeps ids of two instances apart."""
    micros = int(created.timestamp() * 1_000_000)
    seq = 999_999 - next(_SEQUENCE) % 1_000_000
    return f"{_MAX_US - micros:016d}{seq:06d}{secrets.token_hex(4)}"


class OutboxStore:
    def __init__(self, table: TableClient, clock: Clock) -> None:
        self.table = table
        self.clock = clock

    def enqueue(
        self,
        to: str,
        subject: str,
        text: str,
        html: str,
        language: str,
        kind: str,
        dedupe_key: str | None = None,
    ) -> OutboxMail:
        """Store a mail as pending; with `dedupe_key`, a second call returns the first mail."""
        if len(text) > MAX_BODY_CHARS or len(html) > MAX_BODY_CHARS:
            raise OutboxError("mail body too large for the outbox")
        now = self.clock.now()
        mail_id = new_mail_id(now)
        if dedupe_key is not None:
            marker = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()
            try:
                self.table.create_entity({"PartitionKey": DEDUPE, "RowKey": marker, "mail_id": mail_id})
            except ResourceExistsError:
                mail_id = self.table.get_entity(DEDUPE, marker)["mail_id"]
                existing = self.get(mail_id)
                if existing is not None:
                    return existing
                # The marker was written but the mail was not (a crash in between): write it now.
        mail = OutboxMail(
            mail_id=mail_id,
            to=to,
            subject=" ".join(subject.split()),
            text=text,
            html=html,
            language=language,
            kind=kind,
            created=now,
            retry_at=now,
        )
        try:
            meta = self.table.create_entity(_to_entity(mail))
        except ResourceExistsError:
            found = self.get(mail_id)
            if found is None:
                raise OutboxError("mail vanished while being enqueued") from None
            return found
        log.info("outbox: enqueued %s mail %s", kind, mail_id)
        return replace(mail, etag=meta.get("etag", ""))

    def enqueue_once(self, drafts: list[MailDraft], anchor: datetime) -> list[bool]:
        """Store each draft unless its key was stored before: one batch write for one person's
        mails (same partition), so the claim and the mail are one round trip. Returns, per
        draft, whether it is new."""
        if not drafts:
            return []
        now = self.clock.now()
        mails = [
            OutboxMail(
                mail_id=once_mail_id(anchor, d.dedupe_key),
                to=d.to,
                subject=" ".join(d.subject.split()),
                text=d.text,
                html=d.html,
                language=d.language,
                kind=d.kind,
                created=now,
                retry_at=now,
                headers=dict(d.headers),
            )
            for d in drafts
        ]
        for mail in mails:
            if len(mail.text) > MAX_BODY_CHARS or len(mail.html) > MAX_BODY_CHARS:
                raise OutboxError("mail body too large for the outbox")
        if len(mails) > 1:
            try:
                self.table.submit_transaction([("create", _to_entity(m)) for m in mails])
                return [True] * len(mails)
            except TableTransactionError:
                pass  # one of them exists already (a rerun): the batch failed whole; go one by one
        created: list[bool] = []
        for mail in mails:
            try:
                self.table.create_entity(_to_entity(mail))
                created.append(True)
            except ResourceExistsError:
                created.append(False)
        return created

    def get(self, mail_id: str) -> OutboxMail | None:
        if not mail_id.isalnum():
            return None
        try:
            return _from_entity(self.table.get_entity(MAIL, mail_id))
        except ResourceNotFoundError:
            return None

    def pending(self, limit: int) -> list[OutboxMail]:
        """Mails due for (re)sending, oldest first."""
        entities = self.table.query_entities(
            "PartitionKey eq @pk and status eq @status and retry_at le @now",
            parameters={"pk": MAIL, "status": PENDING, "now": self.clock.now()},
        )
        due = sorted((_from_entity(e) for e in entities), key=lambda m: m.created)
        return due[: max(0, limit)]

    def recent(self, limit: int) -> list[OutboxMail]:
        """The newest mails first, whatever their status (the row key order)."""
        found: list[OutboxMail] = []
        if limit <= 0:
            return found
        pages = self.table.query_entities(
            "PartitionKey eq @pk", parameters={"pk": MAIL}, results_per_page=min(limit, 1000)
        )
        for entity in pages:
            found.append(_from_entity(entity))
            if len(found) >= limit:
                break
        return found

    def claim(self, mail: OutboxMail) -> OutboxMail | None:
        """Take a pending mail for sending with one conditional write; None if someone else did."""
        if mail.status != PENDING or not mail.etag:
            return None
        claimed = replace(mail, status=SENDING, attempts=mail.attempts + 1)
        try:
            meta = self.table.update_entity(
                _to_entity(claimed),
                mode=UpdateMode.REPLACE,
                etag=mail.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            return None
        return replace(claimed, etag=meta.get("etag", ""))

    def mark_sent(self, mail_id: str) -> OutboxMail:
        return self._transition(mail_id, lambda m: replace(m, status=SENT, sent_at=self.clock.now(), last_error=""))

    def mark_failed(self, mail_id: str, error: str, retry_at: datetime | None) -> OutboxMail:
        """Back to pending until `retry_at`, or `failed` for good when retry_at is None.

        `error` should name the failure (status code, error class), never the mail's content.
        """
        short = " ".join(error.split())[:500]
        if retry_at is None:
            return self._transition(mail_id, lambda m: replace(m, status=FAILED, last_error=short))
        return self._transition(mail_id, lambda m: replace(m, status=PENDING, last_error=short, retry_at=retry_at))

    def sent_before(self, cutoff: datetime) -> list[str]:
        """Ids of mails sent before `cutoff` (retention's data minimisation of delivered mail)."""
        entities = self.table.query_entities(
            "PartitionKey eq @pk and status eq @status and sent_at lt @cutoff",
            parameters={"pk": MAIL, "status": SENT, "cutoff": cutoff},
            select=["RowKey"],
        )
        return [e["RowKey"] for e in entities]

    def delete(self, mail_id: str) -> None:
        """Remove a mail (retention of sent mails); its dedupe marker stays so it is never re-sent."""
        if mail_id.isalnum():
            self.table.delete_entity(MAIL, mail_id)

    def _transition(self, mail_id: str, change: Any) -> OutboxMail:
        for _ in range(5):
            current = self.get(mail_id)
            if current is None:
                raise OutboxError("no such mail")
            updated = change(current)
            try:
                meta = self.table.update_entity(
                    _to_entity(updated),
                    mode=UpdateMode.REPLACE,
                    etag=current.etag,
                    match_condition=MatchConditions.IfNotModified,
                )
            except ResourceModifiedError:
                continue
            return replace(updated, etag=meta.get("etag", ""))
        raise OutboxError("mail changed concurrently")


def _to_entity(mail: OutboxMail) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": MAIL,
        "RowKey": mail.mail_id,
        "to": mail.to,
        "subject": mail.subject,
        "text": mail.text,
        "html": mail.html,
        "language": mail.language,
        "kind": mail.kind,
        "created": mail.created,
        "status": mail.status,
        "attempts": mail.attempts,
        "last_error": mail.last_error,
    }
    if mail.headers:
        entity["headers"] = json.dumps(mail.headers, ensure_ascii=True)
    if mail.sent_at is not None:
        entity["sent_at"] = mail.sent_at
    if mail.retry_at is not None:
        entity["retry_at"] = mail.retry_at
    return entity


def _from_entity(entity: Any) -> OutboxMail:
    return OutboxMail(
        mail_id=entity["RowKey"],
        to=entity.get("to", ""),
        subject=entity.get("subject", ""),
        text=entity.get("text", ""),
        html=entity.get("html", ""),
        language=entity.get("language", ""),
        kind=entity.get("kind", ""),
        created=entity["created"],
        status=entity.get("status", PENDING),
        attempts=int(entity.get("attempts", 0)),
        sent_at=entity.get("sent_at"),
        last_error=entity.get("last_error", ""),
        retry_at=entity.get("retry_at"),
        headers=_headers(entity.get("headers")),
        etag=entity.metadata.get("etag", ""),
    )


def _headers(raw: Any) -> dict[str, str]:
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
