"""What a blob-trigger function receives locally: the binding type its parameter declares, as
the Functions worker decides it in Azure.

- An SDK-type `BlobClient` (azurefunctions-extensions-bindings-blob): the host hands over the
  blob's container and name only, and the function reads what it needs itself. The dev host
  passes a plain `azure.storage.blob.BlobClient` for the blob, as the worker's converter does,
  and reads nothing (one HEAD checks that the version it was told about is still there).
- Anything else (`func.InputStream`): the host downloads the whole blob before the call.
"""

from __future__ import annotations

import typing
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError
from azure.functions.blob import InputStream
from azure.storage.blob import BlobClient


def wants_blob_client(fn: Any) -> bool:
    """True when the trigger parameter is annotated with a BlobClient type (the SDK binding)."""
    hints = typing.get_type_hints(fn.get_user_function())
    hint = hints.get(str(fn.get_trigger().name))
    return isinstance(hint, type) and issubclass(hint, BlobClient)


def trigger_argument(fn: Any, client: BlobClient, container: str, etag: str | None = None) -> Any | None:
    """The argument for one invocation on the blob behind `client`; None when it is gone or was
    replaced since the version `etag` was seen (the next look finds what is there now)."""
    condition: dict[str, Any] = {"etag": etag, "match_condition": MatchConditions.IfNotModified} if etag else {}
    try:
        if wants_blob_client(fn):
            client.get_blob_properties(**condition)
            return client
        download = client.download_blob(**condition)
        data = download.readall()
    except (ResourceNotFoundError, ResourceModifiedError):
        return None
    return InputStream(
        data=data,
        name=f"{container}/{client.blob_name}",
        uri=client.url,
        length=len(data),
        metadata=dict(download.properties.metadata or {}),
    )
