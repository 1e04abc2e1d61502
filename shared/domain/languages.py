"""The portal's four languages and how a request picks one."""

from __future__ import annotations

LANGUAGES = ("de", "fr", "it", "en")
DEFAULT_LANGUAGE = "de"
# Each language is named in itself, so a reader finds their own.
LANGUAGE_NAMES = {"de": "Deutsch", "fr": "Français", "it": "Italiano", "en": "English"}


def normalise_language(value: str | None) -> str | None:
    """A supported language code from `de`, `DE-ch`, `fr_CH`…, or None."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def parse_accept_language(header: str | None) -> list[str]:
    """Supported languages in the client's order of preference (q-values honoured)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        pieces = part.strip().split(";")
        code = normalise_language(pieces[0])
        if code is None:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, code))
    seen: list[str] = []
    for _, _, code in sorted(ranked):
        if code not in seen:
            seen.append(code)
    return seen


def choose_language(query_lang: str | None, accept_language: str | None, fallback: str | None = None) -> str:
    """`?lang=` first, then Accept-Language, then the fallback (e.g. a stored preference), then German."""
    explicit = normalise_language(query_lang)
    if explicit:
        return explicit
    preferred = parse_accept_language(accept_language)
    if preferred:
        return preferred[0]
    return normalise_language(fallback) or DEFAULT_LANGUAGE
