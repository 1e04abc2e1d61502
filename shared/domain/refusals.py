"""Why a document could not be filed (SPEC 4): one code per reason, one exception for all.

The codes are a contract with operations (quarantine metadata `reason`, CLI counts);
never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    BAD_NAME = "bad_name"
    UNKNOWN_LINE = "unknown_line"
    UNKNOWN_DOC_TYPE = "unknown_doc_type"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    BAD_DATE = "bad_date"
    NOT_PDF = "not_pdf"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNKNOWN_CUSTOMER = "unknown_customer"
    NOT_ENROLLED = "not_enrolled"
    WITHDRAWN = "withdrawn"  # an advisor withdrew this very document: it never comes back
    EXPIRED = "expired"  # this content was filed before and its retention is over


class Refused(Exception):
    """A document cannot be filed; it goes to quarantine with this reason and detail."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
