"""Blob access for filing: what waits in `incoming`, and the copy into `documents`.

Every read and write is tied to the ETag of the incoming blob that was checked, so a
blob replaced mid-way (a corrected document under the same name) is never filed or
deleted under the identity of the old content.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.storage.blob import ContainerClient

from shared.domain.incoming import BlobChanged, CopyPending, IncomingBlob, content_sha256


class IncomingBlobs:
    def __init__(self, container: ContainerClient) -> None:
        self.container = container

    def info(self, name: str) -> IncomingBlob | None:
        try:
            props = self.container.get_blob_client(name).get_blob_properties()
        except ResourceNotFoundError:
            return None
        return IncomingBlob(name, int(props.size), str(props.etag), props.last_modified, dict(props.metadata or {}))

    def read(self, blob: IncomingBlob) -> bytes:
        try:
            download = self.container.get_blob_client(blob.name).download_blob(
                etag=blob.etag, match_condition=MatchConditions.IfNotModified
            )
            return download.readall()
        except (ResourceNotFoundError, ResourceModifiedError) as exc:
            raise BlobChanged(blob.name) from exc

    def delete(self, blob: IncomingBlob) -> bool:
        """Delete exactly the version that was handled; False if it is gone or was replaced."""
        try:
            self.container.get_blob_client(blob.name).delete_blob(
                etag=blob.etag, match_condition=MatchConditions.IfNotModified
            )
            return True
        except (ResourceNotFoundError, ResourceModifiedError):
            return False

    def discard_copy(self, name: str, sha256: str, max_bytes: int) -> bool:
        """Delete the blob waiting under `name` if it holds exactly this content (a withdrawn
        document's copy left by a crash before filing's last step); another content under
        the same name is a new document and stays. True when a copy went."""
        blob = self.info(name)
        if blob is None or blob.size > max_bytes:
            return False
        try:
            same = content_sha256(self.read(blob)) == sha256
        except BlobChanged:
            return False
        return same and self.delete(blob)

    def waiting(self) -> Iterator[IncomingBlob]:
        for props in self.container.list_blobs(include=["metadata"]):
            yield IncomingBlob(props.name, int(props.size), str(props.etag), props.last_modified,
                               dict(props.metadata or {}))

    def url(self, name: str) -> str:
        return str(self.container.get_blob_client(name).url)


class TargetExists(Exception):
    """The copy's target name is taken and must not be overwritten."""


def copy_blob(target: ContainerClient, target_name: str, source: IncomingBlobs, blob: IncomingBlob,
              metadata: dict[str, str], *, only_if_absent: bool = False) -> None:
    """Service-side copy of exactly the checked version (source ETag condition); idempotent
    unless `only_if_absent`, which refuses to replace a blob already at the target."""
    client = target.get_blob_client(target_name)
    conditions: dict[str, Any] = {"match_condition": MatchConditions.IfMissing} if only_if_absent else {}
    try:
        result = client.start_copy_from_url(
            source.url(blob.name), metadata=metadata,
            source_etag=blob.etag, source_match_condition=MatchConditions.IfNotModified, **conditions,
        )
    except ResourceExistsError as exc:
        raise TargetExists(target_name) from exc
    except (ResourceModifiedError, ResourceNotFoundError) as exc:
        raise BlobChanged(blob.name) from exc
    if result.get("copy_status") not in (None, "success"):
        raise CopyPending(target_name)

