"""Putting documents into `incoming` the way the insurer's output system does: with its own
Entra ID identity, under the contract's blob name, with percent-encoded metadata.

`docs/generator.md` shows this code to the output system's team, and `python -m cli
generate --account-url` runs it, so the example they copy is the one the tests run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from azure.core.credentials import AzureNamedKeyCredential
from azure.storage.blob import ContainerClient, ContentSettings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Document(Protocol):
    """One document to send: its contract name, the PDF bytes, the encoded metadata."""

    @property
    def name(self) -> str: ...
    @property
    def content(self) -> bytes: ...
    @property
    def metadata(self) -> dict[str, str]: ...


def encode_metadata(**values: str) -> dict[str, str]:
    """Metadata travels as HTTP headers (ASCII only): UTF-8, percent-encoded, every character but
    letters, digits and `-._~` escaped — the filing side decodes it (SPEC 4)."""
    return {key: quote(value, safe="") for key, value in values.items() if value}


def incoming_container(account_url: str, credential: Any, container: str = "incoming",
                       **client_options: Any) -> ContainerClient:
    """The `incoming` container of the portal's account, reached with the caller's credential."""
    return ContainerClient(account_url, container, credential=credential, **client_options)


def upload(container: ContainerClient, name: str, content: bytes, metadata: Mapping[str, str]) -> None:
    """Send one document. Sending it again is safe: the same name and content are filed once;
    overwrite=True lets a corrected version replace one that still waits unfiled."""
    container.upload_blob(
        name,
        content,
        overwrite=True,
        metadata=dict(metadata),
        content_settings=ContentSettings(content_type="application/pdf"),
    )


def upload_all(container: ContainerClient, documents: Iterable[Document]) -> int:
    count = 0
    for document in documents:
        upload(container, document.name, document.content, document.metadata)
        count += 1
    return count


def caller_credential(account_url: str, local_connection: str = "") -> Any:
    """Who uploads: the caller's own Entra ID identity (`az login`, a managed identity, a
    service principal's environment). Azurite on loopback HTTP cannot take a token (the SDK
    refuses bearer tokens over HTTP), so there the local connection's development key is used."""
    parts = urlsplit(account_url)
    if parts.scheme == "http":
        if parts.hostname not in LOOPBACK or not local_connection:
            raise ValueError("plain HTTP is only for the local emulator; Azure account URLs are https://")
        fields = dict(item.split("=", 1) for item in local_connection.split(";") if "=" in item)
        return AzureNamedKeyCredential(fields["AccountName"], fields["AccountKey"])
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()
