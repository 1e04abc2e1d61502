"""Dates and sizes the way Swiss documents write them, through Babel for the numbers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

LOCALES: Final = {"de": "de_CH", "fr": "fr_CH", "it": "it_CH", "en": "en_GB"}


def day(value: date | datetime, lang: str = "de") -> str:
    """`02.03.2026` in every language (../shared/GLOSSARY.md): Swiss documents write dates so,
    whatever the language, and a month name would differ from the letters the customer holds."""
    plain = value.date() if isinstance(value, datetime) else value
    return f"{plain.day:02d}.{plain.month:02d}.{plain.year:04d}"


def size(num_bytes: int, lang: str) -> str:
    """Kilobytes below a megabyte, else megabytes with one decimal; a no-break space keeps
    the unit with its number (`1 KB` never wraps)."""
    from babel.numbers import format_decimal  # at first use, not at import (cold start)

    locale = LOCALES.get(lang, "de_CH")
    if num_bytes < 1024 * 1024:
        return f"{format_decimal(max(1, round(num_bytes / 1024)), locale=locale)}\u00a0KB"
    return f"{format_decimal(round(num_bytes / (1024 * 1024), 1), format='#,##0.0', locale=locale)}\u00a0MB"
