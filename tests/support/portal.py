"""Helpers of the portal tests (used by their conftest fixtures and by the tests themselves)."""

from __future__ import annotations

import base64
import io
import json
import time
import urllib.parse
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken
from azure.storage.blob import BlobServiceClient

from shared.context import AppContext
from shared.domain.issued_links import IssuedLink
from tests.support.azurite import ACCOUNT, Azurite

TENANT = "72f988bf-0000-4000-8000-00000000c0de"


APP_OID = "5b1a0d2e-0000-4000-8000-0000000000a1"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class UnsignedTokenCredential:
    """Mints the token Azurite (--oauth basic) accepts: it checks issuer, audience and
    times but not the signature, so this stands in for the managed identity."""

    def __init__(self) -> None:
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.calls += 1
        now = int(time.time())
        claims = {
            "aud": "https://storage.azure.com",
            "iss": f"https://sts.windows.net/{TENANT}/",
            "iat": now - 60, "nbf": now - 60, "exp": now + 3600,
            "oid": APP_OID, "tid": TENANT, "sub": APP_OID, "appid": APP_OID,
        }
        token = f"{_b64({'alg': 'RS256', 'typ': 'JWT'})}.{_b64(claims)}.c2lnbmF0dXJl"
        return AccessToken(token, now + 3600)


@dataclass
class HttpsAzurite:
    azurite: Azurite
    ca_file: Path

    @property
    def blob_url(self) -> str:
        return f"https://127.0.0.1:{self.azurite.blob_port}/{ACCOUNT}"

    def service(self, credential: Any) -> BlobServiceClient:
        return BlobServiceClient(self.blob_url, credential=credential, connection_verify=str(self.ca_file))


def make_pdf(text: str) -> bytes:
    """A small real PDF (fpdf2), different for each text."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def file_document(
    ctx: AppContext,
    customer_number: str,
    line: str,
    doc_type: str,
    doc_date: str,
    reference: str,
    *,
    title: str = "",
    case_number: str = "",
    insured_person: str = "",
    content: bytes | None = None,
) -> Any:
    """Drop a real PDF into `incoming` and file it through the real filing service, as the
    blob trigger would; returns the index record (published now, by the test's clock)."""
    import urllib.parse

    from shared.domain.companies import Company

    companies = ctx.company_store
    if companies.get(customer_number) is None:
        companies.put(Company(customer_number, f"Firma {customer_number}", ("IJM", "LAA", "LAAC"), enrolled=True))
    name = f"{customer_number}/{line}/{doc_type}/{doc_date}_{reference}.pdf"
    meta = {"title": title, "case_number": case_number, "insured_person": insured_person}
    metadata = {k: urllib.parse.quote(v, safe="") for k, v in meta.items() if v}
    data = content or make_pdf(f"{name} {title} {insured_person}")
    ctx.storage.container("incoming").upload_blob(name, data, metadata=metadata, overwrite=True)
    result = ctx.filing_service.file(name)
    assert result.doc_id, f"not filed: {result}"
    record = ctx.document_index.get(customer_number, result.doc_id)
    assert record is not None
    return record


def archive_behind(ctx: AppContext, resp: Any) -> tuple[zipfile.ZipFile, dict[str, str]]:
    """The ZIP a 303 from the bulk download points at, read from `downloads` directly (Azurite
    checks a SAS against real time and the test clock is elsewhere), and the link's query."""
    assert resp.status_code == 303, resp.text
    url = urllib.parse.urlsplit(resp.headers["Location"])
    container = ctx.storage.container_name("downloads")
    name = urllib.parse.unquote(url.path).split(f"/{container}/", 1)[1]
    data = ctx.storage.container("downloads").download_blob(name).readall()
    return zipfile.ZipFile(io.BytesIO(data)), dict(urllib.parse.parse_qsl(url.query))


def record_download(
    ctx: AppContext, tid: str, oid: str, records: Iterable[Any], at: datetime, kind: str = "link"
) -> None:
    """This person downloaded these documents at `at`, recorded as a link or a ZIP records it:
    the link log writes the person's new/downloaded state with the delivery records."""
    ctx.link_log.record_many([
        IssuedLink(
            doc_id=r.doc_id, kind=kind, issued_at=at, expires_at=None, actor=f"{tid}/{oid}", actor_email="",
            client="test", customer_number=r.customer_number, line=r.line, doc_type=r.doc_type,
            deletes_at=r.deletes_at,
        )
        for r in records
    ])
