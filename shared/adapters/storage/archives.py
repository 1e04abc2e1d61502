"""ZIP archives built in blob storage (container `downloads`) instead of in memory.

The Functions Python worker (azure-functions 1.x) sends a response body whole, so an archive
answered inline is held whole: 456 MiB took 1 GiB of process memory. Instead the archive is
written as it is produced, block by block (`stage_block`, then one `commit_block_list`), and
the caller gets a short-lived read-only link to it. Documents are read in ranges of the same
size (DocumentBlobs.chunks), so memory holds about two blocks and zipfile's bookkeeping,
whatever the archive's size.

Archives are removed by the minimisation sweep after an hour (their links live minutes) and
by a lifecycle rule in Bicep after a day (the backstop).
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobBlock, ContainerClient, ContentSettings

BLOCK_BYTES = 4 * 1024 * 1024


class Archives:
    def __init__(self, container: ContainerClient, block_bytes: int = BLOCK_BYTES) -> None:
        self.container = container
        self.block_bytes = block_bytes

    def write(self, blob_name: str, pieces: Iterable[bytes]) -> int:
        """Store the pieces as one block blob, never holding more than a block; its size."""
        blob = self.container.get_blob_client(blob_name)
        blocks: list[BlobBlock] = []
        pending = bytearray()
        total = 0

        def stage(data: bytes) -> None:
            block_id = base64.b64encode(f"{len(blocks):08d}".encode()).decode()
            blob.stage_block(block_id, data)
            blocks.append(BlobBlock(block_id=block_id))

        for piece in pieces:
            pending += piece
            total += len(piece)
            while len(pending) >= self.block_bytes:
                stage(bytes(pending[: self.block_bytes]))
                del pending[: self.block_bytes]
        if pending or not blocks:
            stage(bytes(pending))
        blob.commit_block_list(blocks, content_settings=ContentSettings(content_type="application/zip"))
        return total

    def delete(self, blob_name: str) -> None:
        with contextlib.suppress(ResourceNotFoundError):
            self.container.delete_blob(blob_name)

    def created_before(self, cutoff: datetime) -> Iterator[str]:
        for props in self.container.list_blobs():
            if props.creation_time is not None and props.creation_time < cutoff:
                yield props.name

