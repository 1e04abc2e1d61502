"""The example generator (`python -m cli generate --account-url`) uploads through `cli.upload`,
the code docs/generator.md shows the output system's team, and what it sends is filed."""

from __future__ import annotations

import uuid
from urllib.parse import unquote

import pytest
from azure.core.exceptions import HttpResponseError
from azure.identity import DefaultAzureCredential

from cli.__main__ import main
from cli.commands.generate import CompanyInfo, samples
from cli.upload import caller_credential, incoming_container, upload_all
from shared.adapters.storage.index import DocumentIndex
from shared.context import AppContext
from shared.services.filing import FilingService, Outcome
from tests.support.azurite import ACCOUNT, Azurite
from tests.support.filing import blob_names
from tests.support.portal import HttpsAzurite, UnsignedTokenCredential

MUSTER = CompanyInfo("100001", "Muster AG", ("IJM", "LAA", "LAAC"))


def generate(ctx: AppContext, azurite: Azurite, count: int) -> int:
    account_url = f"http://127.0.0.1:{azurite.blob_port}/{ACCOUNT}"
    return main(["generate", "--account-url", account_url, "--container", ctx.storage.container_name("incoming"),
                 "--count", str(count), "--customer", "100001", "--seed", "7"])


def test_generated_letters_are_uploaded_filed_and_a_resend_files_nothing_twice(
    ctx: AppContext, azurite: Azurite, service: FilingService, index: DocumentIndex,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """GIVEN an enrolled company WHEN the example generator uploads four letters by account URL
    THEN they wait in incoming as PDFs with percent-encoded metadata, are filed, and the same
    letters sent again are recognised as duplicates (delivery is idempotent)."""
    assert generate(ctx, azurite, 4) == 0
    assert "dropped 4 documents" in capsys.readouterr().out
    expected = list(samples(7, 4, [MUSTER], ctx.settings.insurer_name))
    names = sorted(s.name for s in expected)
    assert blob_names(ctx, "incoming") == names
    first = expected[0]
    props = ctx.storage.container("incoming").get_blob_client(first.name).get_blob_properties()
    assert props.content_settings.content_type == "application/pdf"
    assert all(value.isascii() and " " not in value for value in props.metadata.values())
    assert unquote(props.metadata["insured_person"]) == unquote(first.metadata["insured_person"])
    assert [service.file(name).outcome for name in names] == [Outcome.FILED] * 4
    listed = [r for line in ("IJM", "LAA", "LAAC") for r in index.list_documents("100001", [line])[0]]
    filed = {full.source_name for r in listed if (full := index.get("100001", r.doc_id)) is not None}
    assert filed == set(names)  # the list shows no storage fields: the whole record by id

    assert generate(ctx, azurite, 4) == 0  # the output system resends the same letters
    assert [service.file(name).outcome for name in names] == [Outcome.DUPLICATE] * 4
    assert blob_names(ctx, "incoming") == []
    again = {r.doc_id for line in ("IJM", "LAA", "LAAC") for r in index.list_documents("100001", [line])[0]}
    assert len(again) == 4


def test_plain_http_is_refused_outside_the_local_emulator(
    ctx: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--account-url", "http://portalst.blob.core.windows.net", "--count", "1"]) == 2
    assert "only for the local emulator" in capsys.readouterr().err
    assert blob_names(ctx, "incoming") == []


def test_an_azure_account_url_uses_the_callers_entra_identity() -> None:
    """GIVEN an https account URL THEN the upload signs in as the caller (no key, no SAS)."""
    assert isinstance(caller_credential("https://portalst.blob.core.windows.net"), DefaultAzureCredential)


def test_upload_with_a_token_credential_against_azurite_with_oauth(https_azurite: HttpsAzurite) -> None:
    """GIVEN Azurite that checks bearer tokens WHEN the documented code uploads with a token
    credential THEN the letter lands with its metadata; without a credential it is refused."""
    name = "incoming" + uuid.uuid4().hex[:10]
    credential = UnsignedTokenCredential()
    https_azurite.service(credential).create_container(name)
    letters = list(samples(3, 2, [MUSTER], "Helvetia Muster Versicherungen"))
    container = incoming_container(https_azurite.blob_url, credential, name,
                                   connection_verify=str(https_azurite.ca_file))
    assert upload_all(container, letters) == 2
    assert credential.calls >= 1
    stored = {b.name: b for b in container.list_blobs(include=["metadata"])}
    assert sorted(stored) == sorted(s.name for s in letters)
    assert stored[letters[0].name].metadata["title"] == letters[0].metadata["title"]
    anonymous = incoming_container(https_azurite.blob_url, None, name, connection_verify=str(https_azurite.ca_file))
    with pytest.raises(HttpResponseError):
        upload_all(anonymous, letters[:1])
