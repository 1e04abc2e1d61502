"""A filed document as the index knows it, and the catalog msgids of document types.

The record is what every reader of the index gets back (portal list/search/links,
retention sweep); it carries everything needed to find, show and delete the document
without another lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

# The English name of each type is its msgid in the `names` catalog (../shared/GLOSSARY.md);
# the adapter i18n.type_name() gives the name in a language; search finds a type by
# domain/search.py::TYPE_SEARCH_NAMES (names and synonyms in the four languages).
TYPE_MSGIDS: Final[dict[str, str]] = {
    "payment_letter": "Payment advice",
    "benefit_statement": "Benefit statement",
    "cover_confirmation": "Cost approval",
    "waiting_letter": "Holding letter",
    "cost_reimbursement": "Cost reimbursement",
}


class DocumentGone(Exception):
    """A listed document's file is no longer there (withdrawn or deleted while being read)."""


@dataclass(frozen=True)
class DocumentRecord:
    """One filed document. `blob_name` is relative to the `documents` container."""

    doc_id: str
    customer_number: str
    line: str
    doc_type: str
    doc_date: date
    reference: str
    title: str
    case_number: str
    insured_person: str
    language: str
    size: int
    published_at: datetime
    deletes_at: datetime
    blob_name: str
    content_sha256: str
    source_name: str
