"""Whether bytes are a readable PDF, by a well-kept parser (pypdf) rather than by the magic bytes alone."""

from __future__ import annotations

import io
import logging

logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files are expected input, not news


def pdf_readable(content: bytes) -> bool:
    """True when pypdf reads the document structure and finds at least one page."""
    from pypdf import PdfReader  # at the first filing, not at import (cold start)

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        return len(reader.pages) > 0
    except Exception:  # noqa: BLE001 - pypdf raises many types for broken files; all mean "not a PDF"
        return False
