"""The incoming document contract (SPEC 4): the blob name, its metadata and the document id.

Names are parsed strictly — whole-string matches, ASCII only — because parts of the
name become blob paths and Table keys of the index.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final
from urllib.parse import unquote_to_bytes

from shared.domain.companies import valid_customer_number
from shared.domain.languages import LANGUAGES
from shared.domain.lines import DOC_TYPES, canonical_line, type_allowed
from shared.domain.refusals import Reason, Refused

MAX_NAME: Final = 200
_SAFE_NAME: Final = re.compile(r"[A-Za-z0-9_./-]+", re.ASCII)
_LINE: Final = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?", re.ASCII)
_DOC_TYPE: Final = re.compile(r"[a-z_]{1,40}", re.ASCII)
_LEAF: Final = re.compile(r"(?P<date>[A-Za-z0-9.-]{1,20})_(?P<ref>[A-Za-z0-9-]{1,64})\.pdf", re.ASCII)
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
METADATA_LIMITS: Final = {"title": 200, "case_number": 64, "insured_person": 120, "language": 8}


@dataclass(frozen=True)
class IncomingName:
    """A parsed incoming blob name, with the line already canonical."""

    customer_number: str
    line: str
    doc_type: str
    doc_date: date
    reference: str


def parse_name(name: str) -> IncomingName:
    """Parse `{customer_number}/{line}/{doc_type}/{doc_date}_{reference}.pdf` or raise Refused."""
    if not name or len(name) > MAX_NAME or not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise Refused(Reason.BAD_NAME, "the name has characters or a length outside the contract")
    parts = name.split("/")
    if len(parts) != 4:
        raise Refused(Reason.BAD_NAME, "expected customer_number/line/doc_type/date_reference.pdf")
    customer, line_text, doc_type, leaf = parts
    if not valid_customer_number(customer):
        raise Refused(Reason.BAD_NAME, "the customer number must be 4 to 12 digits")
    leaf_match = _LEAF.fullmatch(leaf)
    if leaf_match is None:
        raise Refused(Reason.BAD_NAME, "the file part must be YYYY-MM-DD_reference.pdf (reference: A-Z a-z 0-9 -)")
    line = canonical_line(line_text) if _LINE.fullmatch(line_text) else None
    if line is None:
        raise Refused(Reason.UNKNOWN_LINE, f"unknown insurance line {line_text!r}")
    if not _DOC_TYPE.fullmatch(doc_type) or doc_type not in DOC_TYPES:
        raise Refused(Reason.UNKNOWN_DOC_TYPE, f"unknown document type {doc_type!r}")
    if not type_allowed(line, doc_type):
        raise Refused(Reason.TYPE_NOT_ALLOWED, f"{doc_type} is not published for line {line}")
    date_text = leaf_match["date"]
    if not _DATE.fullmatch(date_text):
        raise Refused(Reason.BAD_DATE, f"{date_text!r} is not YYYY-MM-DD")
    try:
        doc_date = date.fromisoformat(date_text)
    except ValueError:
        raise Refused(Reason.BAD_DATE, f"{date_text!r} is not a calendar date") from None
    return IncomingName(customer, line, doc_type, doc_date, leaf_match["ref"])


def content_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def doc_id(parsed: IncomingName, content_hash: str) -> str:
    """SPEC 4: lowercase base32 (no padding) of the first 20 bytes of SHA-256 over the identity."""
    parts = (parsed.customer_number, parsed.line, parsed.doc_type, parsed.doc_date.isoformat(), parsed.reference)
    identity = "|".join((*parts, content_hash))
    digest = hashlib.sha256(identity.encode("utf-8")).digest()[:20]
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def document_blob_name(parsed: IncomingName, document_id: str) -> str:
    """Where a filed document lives in `documents`: by company, line and year."""
    return f"{parsed.customer_number}/{parsed.line}/{parsed.doc_date.year:04d}/{document_id}.pdf"


def _clean(text: str, limit: int) -> str:
    """Drop control and format characters; collapse whitespace; cap the length."""
    kept = "".join(" " if unicodedata.category(ch)[0] in {"C", "Z"} else ch for ch in text)
    return " ".join(kept.split())[:limit]


def decode_metadata(metadata: dict[str, str] | None) -> dict[str, str]:
    """The optional metadata (SPEC 4), percent-decoded as UTF-8 and cleaned.

    Keys are matched case-insensitively (Azure keeps the case it was given); bytes that
    are not UTF-8 become U+FFFD rather than refusing the document — the metadata is a
    courtesy, the document itself is what matters.
    """
    lowered = {k.lower(): v for k, v in (metadata or {}).items()}
    result: dict[str, str] = {}
    for key, limit in METADATA_LIMITS.items():
        raw = lowered.get(key)
        if raw is None:
            continue
        text = unquote_to_bytes(raw).decode("utf-8", errors="replace")
        result[key] = _clean(text, limit)
    language = result.get("language", "").lower()
    result["language"] = language if language in LANGUAGES else ""
    return {k: v for k, v in result.items() if v}


@dataclass(frozen=True)
class IncomingBlob:
    """One version of a blob waiting in `incoming` (the ETag pins the version that was checked)."""

    name: str
    size: int
    etag: str
    last_modified: datetime
    metadata: dict[str, str] = field(default_factory=dict)


class BlobChanged(Exception):
    """The incoming blob changed or vanished since it was checked; the work must start again."""


class CopyPending(Exception):
    """The service-side copy has not completed yet; the incoming blob stays for a retry."""
