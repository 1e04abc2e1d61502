"""The Bicep says what the spec promises: Swiss region, no shared keys, the audit trail
immutable for a year, the lifecycle backstop after retention, and app settings the app
actually reads. Read with the Bicep parser checkov ships (no bicep CLI can be installed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest
from pycep import BicepParser

from shared.adapters.storage.clients import TABLES
from shared.settings import _INT_FIELDS, _STR_FIELDS

BICEP = Path(__file__).resolve().parents[2] / "infra" / "bicep"


def parse(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], BicepParser().parse(text=(BICEP / name).read_text()))


def config(tree: dict[str, Any], resource: str) -> dict[str, Any]:
    conf: dict[str, Any] = tree["resources"][resource]["config"]
    return conf


def test_every_file_parses() -> None:
    for path in sorted(BICEP.rglob("*.bicep")):
        tree = cast(dict[str, Any], BicepParser().parse(text=path.read_text()))
        assert tree.get("resources") or tree.get("modules"), path.name


def test_switzerland_north_by_default() -> None:
    assert parse("main.bicep")["parameters"]["location"]["default"] == "switzerlandnorth"


def test_storage_account_hardening() -> None:
    props = config(parse("modules/storage.bicep"), "account")["properties"]
    assert props["allowSharedKeyAccess"] is False
    assert props["allowBlobPublicAccess"] is False
    assert props["minimumTlsVersion"] == "TLS1_2"
    assert props["supportsHttpsTrafficOnly"] is True


def test_containers_and_tables() -> None:
    tree = parse("modules/storage.bicep")
    names = {config(tree, r).get("name") for r in tree["resources"]}
    assert {"incoming", "documents", "quarantine", "audit", "deploymentpackage"} <= names
    main = (BICEP / "main.bicep").read_text()
    for table in TABLES:
        if table.startswith("dev"):
            assert f"'{table}'" not in main  # local stand-ins are never deployed
        else:
            assert f"'{table}'" in main, table


def test_audit_container_immutable_for_at_least_a_year() -> None:
    tree = parse("modules/storage.bicep")
    policy = config(tree, "auditImmutability")
    assert policy["parent"] == "audit"
    assert policy["properties"]["allowProtectedAppendWrites"] is True
    assert policy["properties"]["immutabilityPeriodSinceCreationInDays"] == "auditImmutabilityDays"
    assert tree["parameters"]["auditImmutabilityDays"]["decorators"]
    main = parse("main.bicep")["parameters"]
    assert main["auditImmutabilityDays"]["default"] >= 365
    # The app removes audit blobs only once immutability has run out.
    assert main["auditKeepDays"]["default"] > main["auditImmutabilityDays"]["default"]


def test_soft_delete_on() -> None:
    props = config(parse("modules/storage.bicep"), "blobService")["properties"]
    assert props["deleteRetentionPolicy"]["enabled"] is True


def test_lifecycle_backstop_deletes_documents_after_retention() -> None:
    rules = config(parse("modules/storage.bicep"), "lifecycle")["properties"]["policy"]["rules"]
    backstop = next(rule for rule in rules if rule["name"] == "documents-retention-backstop")
    assert backstop["definition"]["filters"]["prefixMatch"] == ["documents/"]
    delete = backstop["definition"]["actions"]["baseBlob"]["delete"]
    # retentionDays + backstopMarginDays, counted from creation (never from last access).
    assert set(delete) == {"daysAfterCreationGreaterThan"}
    text = (BICEP / "modules" / "storage.bicep").read_text()
    assert "daysAfterCreationGreaterThan: retentionDays + backstopMarginDays" in text
    assert parse("main.bicep")["parameters"]["backstopMarginDays"]["default"] >= 1


def test_function_app_identity_and_runtime() -> None:
    site = config(parse("modules/functionapp.bicep"), "site")
    assert site["identity"]["type"] == "SystemAssigned"
    assert site["properties"]["httpsOnly"] is True
    runtime = site["properties"]["functionAppConfig"]["runtime"]
    assert runtime == {"name": "python", "version": "3.11"}
    plan = config(parse("modules/functionapp.bicep"), "plan")
    assert plan["sku"]["tier"] == "FlexConsumption"


def test_roles_cover_blobs_tables_and_delegation() -> None:
    text = (BICEP / "modules" / "roles.bicep").read_text()
    for role_id in (
        "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",  # Storage Blob Data Owner
        "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",  # Storage Table Data Contributor
        "db58b8e5-c6ad-4a2a-8342-4190687cbf4a",  # Storage Blob Delegator
        "4633458b-17de-408a-b874-0445c86b69e6",  # Key Vault Secrets User
    ):
        assert role_id in text


def test_app_settings_are_settings_the_app_reads() -> None:
    """GIVEN the app settings in main.bicep THEN each PORTAL_* one is a field shared/settings.py reads."""
    text = (BICEP / "main.bicep").read_text()
    block = text[text.index("settings: {") :]
    keys = set(re.findall(r"^\s+(PORTAL_[A-Z_]+):", block, flags=re.MULTILINE))
    known = set(_INT_FIELDS) | set(_STR_FIELDS) | {"PORTAL_LOCAL_MODE"}
    assert keys, "no PORTAL_* settings found"
    assert keys - known == set()
    assert "@Microsoft.KeyVault(SecretUri=" in block  # the secret is a reference, not a value
    assert "PORTAL_LOCAL_MODE: 'false'" in block


@pytest.mark.parametrize("path", ["main.bicepparam", "main.bicep"])
def test_no_secret_values_in_repo(path: str) -> None:
    text = (BICEP / path).read_text()
    assert "clientSecret =" not in text
    assert not re.search(r"clientSecret string = '", text)
