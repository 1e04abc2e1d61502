"""The append-only audit log: append blobs in container `audit`, one or more parts per UTC day.

An append blob takes at most 50,000 appends (Azure and Azurite refuse the next one), so a
day is written as parts — `YYYY/MM/DD.jsonl` (part 0, the name a day always had), then
`YYYY/MM/DD.p0001.jsonl`, … Each writer moves to the next part once the blob it appended to
holds `roll_at` blocks (the append answer carries the count), well before the hard limit, and
also when storage refuses an append as over the limit (a writer with a stale idea of the
current part). Events that belong together (a ZIP, a retention batch) go in one block.

In Azure the container carries a time-based immutability policy (Bicep) that covers every
blob in it, so every part is as unchangeable as the first.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobType, ContainerClient

from shared.domain.audit import AuditEvent

BLOCK_LIMIT = 50_000  # appends per append blob, Azure's and Azurite's limit
ROLL_AT = 49_000  # leaves room for writers that append before they learn the part is full
MAX_BLOCK_BYTES = 4 * 1024 * 1024  # the largest append_block Azure takes
_FULL_CODES = {"BlockCountExceedsLimit", "MaxBlobBlocksExceeded"}
_PART = re.compile(r"(\d{4})/(\d{2})/(\d{2})(?:\.p(\d{4,}))?\.jsonl")


def blob_name(day: date, part: int = 0) -> str:
    return f"{day:%Y/%m/%d}.jsonl" if part == 0 else f"{day:%Y/%m/%d}.p{part:04d}.jsonl"


def parse_name(name: str) -> tuple[date, int] | None:
    """(day, part) of an audit blob name, or None for a name that is not one."""
    match = _PART.fullmatch(name)
    if match is None:
        return None
    year, month, day, part = match.groups()
    try:
        return date(int(year), int(month), int(day)), int(part or 0)
    except ValueError:
        return None


def _is_full(exc: HttpResponseError) -> bool:
    code = getattr(exc, "error_code", None) or ""
    return code in _FULL_CODES or "block count cannot exceed" in str(exc).lower()


def blocks(events: Sequence[AuditEvent]) -> list[bytes]:
    """The events as JSON lines, packed into as few appendable blocks as the size limit allows."""
    out: list[bytes] = []
    current = bytearray()
    for event in events:
        line = (event.to_json() + "\n").encode("utf-8")
        if current and len(current) + len(line) > MAX_BLOCK_BYTES:
            out.append(bytes(current))
            current.clear()
        current += line
    if current:
        out.append(bytes(current))
    return out


class AuditLog:
    def __init__(self, container: ContainerClient, roll_at: int = ROLL_AT) -> None:
        if not 0 < roll_at <= BLOCK_LIMIT:
            raise ValueError("roll_at must be within an append blob's block limit")
        self.container = container
        self.roll_at = roll_at
        self._parts: dict[date, int] = {}  # the part this process appends to, per day
        self._lock = threading.Lock()

    def append(self, event: AuditEvent) -> None:
        self.append_many([event])

    def append_many(self, events: Sequence[AuditEvent]) -> None:
        """Write events that belong together in as few appends as possible (one for a ZIP)."""
        by_day: dict[date, list[AuditEvent]] = {}
        for event in events:
            by_day.setdefault(event.at.date(), []).append(event)
        for day, todays in by_day.items():
            for block in blocks(todays):
                self._append(day, block)

    def _append(self, day: date, data: bytes) -> None:
        part = self._current_part(day)
        for _ in range(64):  # a bound, not a budget: each turn moves on or creates a part
            blob = self.container.get_blob_client(blob_name(day, part))
            try:
                result = blob.append_block(data)
            except ResourceNotFoundError:
                with contextlib.suppress(ResourceExistsError):  # another writer created it first
                    blob.create_append_blob(if_none_match="*")
                continue
            except HttpResponseError as exc:
                if not _is_full(exc):
                    raise
                part = self._advance(day, part)
                continue
            if int(str(result.get("blob_committed_block_count") or 0)) >= self.roll_at:
                self._advance(day, part)
            return
        raise RuntimeError("audit log: no appendable part found")  # pragma: no cover - defensive

    def _current_part(self, day: date) -> int:
        with self._lock:
            if day in self._parts:
                return self._parts[day]
        found = [p for _d, p in self._parts_of(day)]
        part = max(found, default=0)
        with self._lock:
            for old in [d for d in self._parts if d < day]:
                del self._parts[old]  # a writer lives for days; keep only the days in use
            self._parts[day] = max(part, self._parts.get(day, 0))
            return self._parts[day]

    def _advance(self, day: date, full_part: int) -> int:
        with self._lock:
            self._parts[day] = max(self._parts.get(day, 0), full_part + 1)
            return self._parts[day]

    def _parts_of(self, day: date) -> list[tuple[str, int]]:
        """The day's blobs as (name, part), in part order: one listing by the day's prefix."""
        found = []
        for props in self.container.list_blobs(name_starts_with=f"{day:%Y/%m/%d}."):
            parsed = parse_name(props.name)
            if parsed is not None and parsed[0] == day and props.blob_type == BlobType.APPENDBLOB:
                found.append((props.name, parsed[1]))
        return sorted(found, key=lambda item: item[1])

    def read_day(self, day: date) -> Iterator[dict[str, Any]]:
        """Every event of one day, part by part (within a part in the order appended)."""
        for name, _part in self._parts_of(day):
            try:
                data = self.container.get_blob_client(name).download_blob().readall()
            except ResourceNotFoundError:
                continue
            for raw in data.decode("utf-8").splitlines():
                if raw.strip():
                    yield json.loads(raw)

    def remove_day(self, day: date) -> None:
        """Delete every part of one day once it is past retention (the immutability policy
        refuses earlier deletes in Azure); a missing blob is not an error."""
        for name, _part in self._parts_of(day):
            with contextlib.suppress(ResourceNotFoundError):
                self.container.get_blob_client(name).delete_blob()

    def days(self) -> Iterator[tuple[date, str]]:
        """(day, blob name) for every part held, in listing order."""
        for props in self.container.list_blobs():
            if props.blob_type != BlobType.APPENDBLOB:
                continue
            parsed = parse_name(props.name)
            if parsed is not None:
                yield parsed[0], props.name

