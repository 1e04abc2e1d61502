"""The one adapter of container `documents`: filed PDFs are copied in, checked and deleted here.

One delete policy for every caller (retention, withdrawal): snapshots go with the blob, and a
blob already gone counts as deleted, so a repeated sweep or withdrawal finishes its other steps.
"""

from __future__ import annotations

from collections.abc import Iterator

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import ContainerClient

from shared.adapters.storage.filing_blobs import IncomingBlobs, copy_blob
from shared.domain.documents import DocumentGone
from shared.domain.incoming import IncomingBlob

# Documents are read in ranges of this size (a ZIP holds about two of them in memory).
CHUNK_BYTES = 4 * 1024 * 1024


class DocumentBlobs:
    def __init__(self, container: ContainerClient, incoming: IncomingBlobs) -> None:
        self.container = container
        self.incoming = incoming

    def store(self, blob_name: str, blob: IncomingBlob, metadata: dict[str, str]) -> None:
        """Copy a checked incoming blob in (tied to its ETag); raises TargetExists, BlobChanged, CopyPending."""
        copy_blob(self.container, blob_name, self.incoming, blob, metadata)

    def exists(self, blob_name: str) -> bool:
        return bool(self.container.get_blob_client(blob_name).exists())

    def chunks(self, blob_name: str, chunk: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The blob's content in ranges of `chunk` bytes (the SDK's plain download takes its
        first 32 MiB at once); raises DocumentGone when it is not there (any more). The size
        comes from the blob's properties: a ranged download reports only its range."""
        try:
            size = int(self.container.get_blob_client(blob_name).get_blob_properties().size or 0)
            offset = 0
            while offset < size:
                length = min(chunk, size - offset)
                data = self.container.download_blob(blob_name, offset=offset, length=length).readall()
                if not data:
                    return
                yield data
                offset += len(data)
        except ResourceNotFoundError as exc:
            raise DocumentGone(blob_name) from exc

    def delete(self, blob_name: str) -> None:
        """Delete a blob with its snapshots; a blob already gone is not an error."""
        try:
            self.container.get_blob_client(blob_name).delete_blob(delete_snapshots="include")
        except ResourceNotFoundError:
            return
