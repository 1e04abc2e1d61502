"""Fixtures shared by several integration folders (portal links, the generator's upload)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import trustme

from tests.support.azurite import start_azurite
from tests.support.portal import HttpsAzurite


@pytest.fixture(scope="session")
def https_azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpsAzurite]:
    folder = tmp_path_factory.mktemp("azurite-https")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert_file, key_file, ca_file = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    instance = start_azurite(
        folder / "data",
        extra_args=["--cert", str(cert_file), "--key", str(key_file), "--oauth", "basic"],
        scheme="https",
    )
    try:
        yield HttpsAzurite(instance, ca_file)
    finally:
        instance.stop()
