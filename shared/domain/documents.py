"""A filed document as the index knows it, and the names of document types in four languages.

The record is what every reader of the index gets back (portal list/search/links,
retention sweep); it carries everything needed to find, show and delete the document
without another lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

# Names shown to customers and matched by search (SPEC 5: "the type's name in the four languages").
TYPE_NAMES: Final[dict[str, dict[str, str]]] = {
    "payment_letter": {
        "de": "Zahlungsbrief",
        "fr": "Lettre de paiement",
        "it": "Lettera di pagamento",
        "en": "Payment letter",
    },
    "benefit_statement": {
        "de": "Leistungsabrechnung",
        "fr": "Décompte de prestations",
        "it": "Conteggio delle prestazioni",
        "en": "Benefit statement",
    },
    "cover_confirmation": {
        "de": "Kostengutsprache",
        "fr": "Lettre de prise en charge",
        "it": "Lettera di assunzione dei costi",
        "en": "Cover confirmation",
    },
    "waiting_letter": {
        "de": "Wartebrief",
        "fr": "Lettre demandant de patienter",
        "it": "Lettera di attesa",
        "en": "Waiting letter",
    },
    "cost_reimbursement": {
        "de": "Rückerstattung der übernommenen Kosten",
        "fr": "Remboursement des frais pris en charge",
        "it": "Rimborso delle spese assunte",
        "en": "Cost reimbursement",
    },
}


def type_name(doc_type: str, lang: str) -> str:
    """The type's display name in a language (English, then the code, as fallbacks)."""
    names = TYPE_NAMES.get(doc_type, {})
    return names.get(lang) or names.get("en") or doc_type



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
