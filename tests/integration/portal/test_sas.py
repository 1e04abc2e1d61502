"""Download links against real Azurite: the account-key path (local) and the
user-delegation path (Azure) — read only, one blob, expiry, type and disposition."""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime, timedelta

import requests
from azure.storage.blob import BlobServiceClient

from shared.adapters.identity.sas import AccountKeySigner, UserDelegationSigner, signer_for
from shared.adapters.storage.clients import Storage
from shared.clock import MutableClock
from shared.domain.filenames import content_disposition
from tests.support.portal import HttpsAzurite, UnsignedTokenCredential

PDF = b"%PDF-1.4\n% portal sas test\n%%EOF\n"
DISPOSITION = content_disposition("LAA_Décompte_de_prestations_2026-03-02_R123.pdf")


def _now_clock() -> MutableClock:
    return MutableClock(datetime.now(UTC).replace(microsecond=0))


def _put(service: BlobServiceClient, container: str, *names: str) -> None:
    client = service.get_container_client(container)
    client.create_container()
    for name in names:
        client.upload_blob(name, PDF)


def _params(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def _assert_link_behaves(url: str, verify: bool | str = True) -> None:
    ok = requests.get(url, timeout=10, verify=verify)
    assert ok.status_code == 200
    assert ok.content == PDF
    assert ok.headers["Content-Type"] == "application/pdf"
    assert ok.headers["Content-Disposition"] == DISPOSITION
    # THEN the same signature on a sibling blob is refused …
    other = url.replace("/100001/LAA/2026/a.pdf?", "/100001/LAA/2026/b.pdf?")
    assert other != url
    assert requests.get(other, timeout=10, verify=verify).status_code == 403
    # … and so is a write with it.
    put = requests.put(url, data=b"%PDF-evil", headers={"x-ms-blob-type": "BlockBlob"}, timeout=10, verify=verify)
    assert put.status_code == 403
    assert requests.get(url, timeout=10, verify=verify).content == PDF


def test_account_key_link_is_read_only_for_one_blob(storage: Storage, unique_container: str) -> None:
    """GIVEN two blobs WHEN a link is signed for one THEN only reading that one works."""
    service = storage.blob_service
    _put(service, unique_container, "100001/LAA/2026/a.pdf", "100001/LAA/2026/b.pdf")
    signer = signer_for(service, _now_clock(), local_mode=True)
    assert isinstance(signer, AccountKeySigner)
    now = datetime.now(UTC).replace(microsecond=0)
    link = signer.sign(
        unique_container, "100001/LAA/2026/a.pdf",
        starts_at=now - timedelta(minutes=1), expires_at=now + timedelta(seconds=300),
        content_type="application/pdf", content_disposition=DISPOSITION,
    )
    params = _params(link.url)
    assert params["sp"] == "r"
    assert params["sr"] == "b"
    assert params["rsct"] == "application/pdf"
    assert params["rscd"] == DISPOSITION
    assert datetime.fromisoformat(params["se"]) - datetime.fromisoformat(params["st"]) == timedelta(seconds=360)
    _assert_link_behaves(link.url)


def test_account_key_link_expires(storage: Storage, unique_container: str) -> None:
    """GIVEN a link whose expiry has passed WHEN it is used THEN Azurite refuses it."""
    service = storage.blob_service
    _put(service, unique_container, "100001/LAA/2026/a.pdf")
    signer = signer_for(service, _now_clock(), local_mode=True)
    past = datetime.now(UTC) - timedelta(minutes=10)
    link = signer.sign(
        unique_container, "100001/LAA/2026/a.pdf",
        starts_at=past - timedelta(minutes=1), expires_at=past + timedelta(minutes=5),
        content_type="application/pdf", content_disposition=DISPOSITION,
    )
    assert requests.get(link.url, timeout=10).status_code == 403


def test_azure_mode_account_key_is_never_used(storage: Storage) -> None:
    """In Azure (not local mode) links are always signed with a delegation key, HTTPS only."""
    signer = signer_for(storage.blob_service, _now_clock(), local_mode=False)
    assert isinstance(signer, UserDelegationSigner)
    assert signer.protocol == "https"


def test_user_delegation_link_against_https_azurite(https_azurite: HttpsAzurite, unique_container: str) -> None:
    """GIVEN an HTTPS Azurite with OAuth and a token credential (the managed identity's
    stand-in) WHEN links are signed THEN they work like Azure's: one blob, read only."""
    credential = UnsignedTokenCredential()
    service = https_azurite.service(credential)
    _put(service, unique_container, "100001/LAA/2026/a.pdf", "100001/LAA/2026/b.pdf")
    clock = _now_clock()
    signer = signer_for(service, clock, local_mode=False)
    assert isinstance(signer, UserDelegationSigner)
    now = clock.now()
    link = signer.sign(
        unique_container, "100001/LAA/2026/a.pdf",
        starts_at=now - timedelta(minutes=1), expires_at=now + timedelta(minutes=5),
        content_type="application/pdf", content_disposition=DISPOSITION,
    )
    params = _params(link.url)
    assert link.url.startswith("https://")
    assert params["spr"] == "https"
    assert params["sp"] == "r" and params["sr"] == "b"
    assert params["skoid"] and params["sktid"]
    assert "sig" in params
    _assert_link_behaves(link.url, verify=str(https_azurite.ca_file))
    # The delegation key is cached: a second link within its lifetime asks for no new key.
    signer.sign(
        unique_container, "100001/LAA/2026/b.pdf",
        starts_at=now - timedelta(minutes=1), expires_at=now + timedelta(minutes=5),
        content_type="application/pdf", content_disposition=DISPOSITION,
    )
    assert signer.key_fetches == 1
    # … and renewed once it comes close to its end.
    clock.advance(timedelta(hours=5, minutes=40))
    later = clock.now()
    signer.sign(
        unique_container, "100001/LAA/2026/b.pdf",
        starts_at=later - timedelta(minutes=1), expires_at=later + timedelta(minutes=5),
        content_type="application/pdf", content_disposition=DISPOSITION,
    )
    assert signer.key_fetches == 2


def test_user_delegation_refused_for_a_tampered_blob_name(https_azurite: HttpsAzurite, unique_container: str) -> None:
    service = https_azurite.service(UnsignedTokenCredential())
    _put(service, unique_container, "100001/LAA/2026/a.pdf", "100001/IJM/2026/a.pdf")
    clock = _now_clock()
    signer = UserDelegationSigner(service, clock)
    now = clock.now()
    link = signer.sign(
        unique_container, "100001/LAA/2026/a.pdf",
        starts_at=now - timedelta(minutes=1), expires_at=now + timedelta(minutes=5),
        content_type="application/pdf", content_disposition=DISPOSITION,
    )
    tampered = link.url.replace("/LAA/", "/IJM/")
    response = requests.get(tampered, timeout=10, verify=str(https_azurite.ca_file))
    assert response.status_code == 403


def test_local_signer_allows_http(storage: Storage) -> None:
    signer = signer_for(storage.blob_service, _now_clock(), local_mode=True)
    assert isinstance(signer, AccountKeySigner) and signer.protocol is None
