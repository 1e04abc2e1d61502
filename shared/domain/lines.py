"""Insurance lines, their aliases and which document types each line publishes (SPEC section 2)."""

from __future__ import annotations

from typing import Final

LINES: Final = ("IJM", "LAA", "LAAC")

# The English name of each line is its msgid in the `names` catalog (../shared/GLOSSARY.md).
LINE_MSGIDS: Final = {
    "IJM": "Daily sickness allowance",
    "LAA": "Accident insurance",
    "LAAC": "Supplementary accident insurance",
}

# The code a reader of each language knows: never the French code on a German page.
LOCAL_CODES: Final[dict[str, dict[str, str]]] = {
    "de": {"IJM": "KTG", "LAA": "UVG", "LAAC": "UVG-Z"},
    "fr": {"IJM": "IJM", "LAA": "LAA", "LAAC": "LAAC"},
    "it": {"IJM": "IGM", "LAA": "LAINF", "LAAC": "LAINF-C"},
    "en": {"IJM": "IJM", "LAA": "LAA", "LAAC": "LAAC"},
}

_ALIASES: Final = {
    "IJM": "IJM", "KTG": "IJM", "IGM": "IJM",
    "LAA": "LAA", "UVG": "LAA", "LAINF": "LAA",
    "LAAC": "LAAC", "UVGZ": "LAAC", "UVG-Z": "LAAC", "LAAC-Z": "LAAC", "LAINF-C": "LAAC",
}

DOC_TYPES: Final = (
    "payment_letter",
    "benefit_statement",
    "cover_confirmation",
    "waiting_letter",
    "cost_reimbursement",
)

ALLOWED: Final[dict[str, frozenset[str]]] = {
    "IJM": frozenset({"payment_letter", "benefit_statement"}),
    "LAA": frozenset({"benefit_statement", "cover_confirmation", "waiting_letter", "cost_reimbursement"}),
    "LAAC": frozenset({"benefit_statement", "cover_confirmation", "cost_reimbursement"}),
}


def local_code(line: str, lang: str) -> str:
    """`UVG` for LAA in German, `LAINF` in Italian; the canonical (French) code otherwise."""
    return LOCAL_CODES.get(lang, LOCAL_CODES["fr"]).get(line, line)


def canonical_line(value: str) -> str | None:
    """The canonical code for a code or alias (case-insensitive, ASCII only), else None."""
    if not value.isascii():
        return None
    return _ALIASES.get(value.strip().upper()) if value == value.strip() else None


def type_allowed(line: str, doc_type: str) -> bool:
    return doc_type in ALLOWED.get(line, frozenset())


def parse_lines(values: list[str] | tuple[str, ...] | str) -> list[str] | None:
    """Canonical, de-duplicated lines in canonical order, or None if any value is unknown."""
    items = values.replace(";", ",").split(",") if isinstance(values, str) else list(values)
    found: set[str] = set()
    for item in items:
        if not item.strip():
            continue
        line = canonical_line(item.strip())
        if line is None:
            return None
        found.add(line)
    return [line for line in LINES if line in found]
