"""How the portal writes an instant for people and APIs: ISO 8601 in UTC with a `Z`."""

from __future__ import annotations

from datetime import datetime


def utc_iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def utc_iso_or_none(value: datetime | None) -> str | None:
    return utc_iso(value) if value else None
