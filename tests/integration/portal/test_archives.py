"""The archive store on Azurite: documents read in ranges and archives written in blocks
reassemble byte for byte, whatever the sizes (the benchmark uses 4 MiB; here a few bytes)."""

from __future__ import annotations

import os

import pytest

from shared.adapters.storage.archives import Archives
from shared.context import AppContext


@pytest.mark.parametrize("size", [1, 6, 7, 8, 50])
def test_ranges_and_blocks_reassemble_exactly(ctx: AppContext, size: int) -> None:
    """GIVEN a blob of `size` bytes WHEN read in ranges of 7 and written on in blocks of 5 THEN
    the copy is identical (a ranged download reports only its range's size: trusting it cut
    every document after its first range)."""
    data = os.urandom(size)
    ctx.storage.container("documents").upload_blob("x/doc.pdf", data)
    chunks = list(ctx.document_blobs.chunks("x/doc.pdf", chunk=7))
    assert all(len(c) <= 7 for c in chunks) and b"".join(chunks) == data
    store = Archives(ctx.storage.container("downloads"), block_bytes=5)
    assert store.write("s/a.zip", iter(chunks)) == size
    blob = ctx.storage.container("downloads").get_blob_client("s/a.zip")
    assert blob.download_blob().readall() == data
    assert blob.get_blob_properties().content_settings.content_type == "application/zip"
    assert len(blob.get_block_list("committed")[0]) == -(-size // 5)
