"""The append-only audit log: one append blob per UTC day in container `audit`.

Append blobs only grow; in Azure the container also carries a time-based immutability
policy (Bicep), so no one — the app included — can rewrite history.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobType, ContainerClient

from shared.domain.audit import AuditEvent


def blob_name(day: date) -> str:
    return f"{day:%Y/%m/%d}.jsonl"


class AuditLog:
    def __init__(self, container: ContainerClient) -> None:
        self.container = container

    def append(self, event: AuditEvent) -> None:
        blob = self.container.get_blob_client(blob_name(event.at.date()))
        line = (event.to_json() + "\n").encode("utf-8")
        try:
            blob.append_block(line)
        except ResourceNotFoundError:
            with contextlib.suppress(ResourceExistsError):  # another writer created it first
                blob.create_append_blob(if_none_match="*")
            blob.append_block(line)

    def read_day(self, day: date) -> Iterator[dict[str, Any]]:
        blob = self.container.get_blob_client(blob_name(day))
        try:
            data = blob.download_blob().readall()
        except ResourceNotFoundError:
            return
        for raw in data.decode("utf-8").splitlines():
            if raw.strip():
                yield json.loads(raw)

    def remove_day(self, day: date) -> None:
        """Delete one day's blob once it is past retention (the immutability policy refuses
        earlier deletes in Azure); a missing blob is not an error."""
        try:
            self.container.get_blob_client(blob_name(day)).delete_blob()
        except ResourceNotFoundError:
            return

    def days(self) -> Iterator[tuple[date, str]]:
        for props in self.container.list_blobs():
            if props.blob_type != BlobType.APPENDBLOB:
                continue
            stem = props.name.removesuffix(".jsonl")
            try:
                year, month, day = (int(x) for x in stem.split("/"))
            except ValueError:
                continue
            yield date(year, month, day), props.name
