"""Dates and sizes the way each language writes them (Swiss locales), through Babel."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

LOCALES: Final = {"de": "de_CH", "fr": "fr_CH", "it": "it_CH", "en": "en_GB"}


def day(value: date | datetime, lang: str) -> str:
    """E.g. `02.03.2026` (de), `2 Mar 2026` (en)."""
    from babel.dates import format_date  # at first use, not at import (cold start)

    plain = value.date() if isinstance(value, datetime) else value
    return format_date(plain, format="medium", locale=LOCALES.get(lang, "de_CH"))


def size(num_bytes: int, lang: str) -> str:
    """Kilobytes below a megabyte, else megabytes with one decimal."""
    from babel.numbers import format_decimal  # at first use, not at import (cold start)

    locale = LOCALES.get(lang, "de_CH")
    if num_bytes < 1024 * 1024:
        return f"{format_decimal(max(1, round(num_bytes / 1024)), locale=locale)} KB"
    return f"{format_decimal(round(num_bytes / (1024 * 1024), 1), format='#,##0.0', locale=locale)} MB"
