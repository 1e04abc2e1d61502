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
    if "condition" in conf:  # `= if (…) {…}`: the parser nests the body one level down
        conf = conf["config"]
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
        "ba92f5b4-2d11-453d-a403-e96b0029c9fe",  # Storage Blob Data Contributor
        "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",  # Storage Table Data Contributor
        "db58b8e5-c6ad-4a2a-8342-4190687cbf4a",  # Storage Blob Delegator
        "4633458b-17de-408a-b874-0445c86b69e6",  # Key Vault Secrets User
    ):
        assert role_id in text


def test_blob_roles_are_scoped_to_containers() -> None:
    """GIVEN the role assignments THEN no blob data role covers the whole account (audit and the
    code package are not everyone's), and operators get data roles only when a group is named."""
    tree = parse("modules/roles.bicep")
    variables = (BICEP / "modules" / "roles.bicep").read_text()
    assert "var dataContainers = [ 'incoming', 'documents', 'quarantine', 'audit' ]" in variables
    assert "var hostContainers = [ 'azure-webjobs-hosts', 'azure-webjobs-secrets', 'deploymentpackage' ]" in variables
    account = config(tree, "appAccount")
    assert account["scope"] == "storage"
    account_roles = re.search(r"var accountRoles = \[(.*?)\]", variables, flags=re.DOTALL)
    assert account_roles and "Blob" in account_roles.group(1)  # the Delegator only
    assert "storageBlobDataOwner" not in account_roles.group(1)
    assert "storageBlobDataContributor" not in account_roles.group(1)
    for resource, containers in (("appData", "dataContainer"), ("appHost", "hostContainer")):
        scope = config(tree, resource)["scope"]["operator"]
        assert scope == {"type": "index_accessor", "operands": {"operand_1": containers, "operand_2": "i"}}
    assert "if (!empty(operatorGroupObjectId))" in variables
    assert parse("main.bicep")["parameters"]["operatorGroupObjectId"]["default"] == ""


def test_cost_off_by_default() -> None:
    main = parse("main.bicep")["parameters"]
    assert main["zoneRedundant"]["default"] is False
    assert main["alwaysReady"]["default"] == []
    plan = config(parse("modules/functionapp.bicep"), "plan")
    assert plan["properties"]["zoneRedundant"] == "zoneRedundant"


def test_app_settings_have_one_source() -> None:
    """The site declares no app settings; the appsettings module writes the whole set once."""
    site = config(parse("modules/functionapp.bicep"), "site")
    assert "appSettings" not in site["properties"]["siteConfig"]
    text = (BICEP / "main.bicep").read_text()
    assert text.count("modules/appsettings.bicep") == 1
    host_keys = ("AzureWebJobsStorage__accountName", "APPLICATIONINSIGHTS_CONNECTION_STRING")
    for key in (*host_keys, "PORTAL_STORAGE_ACCOUNT_URL"):
        assert f"{key}:" in text


def test_secret_written_only_when_given_and_without_a_made_up_expiry() -> None:
    tree = parse("modules/keyvault.bicep")
    raw = tree["resources"]["secret"]["config"]
    assert "condition" in raw
    assert "exp" not in config(tree, "secret")["properties"]["attributes"]
    assert "utcNow" not in (BICEP / "main.bicep").read_text()


def test_immutability_policy_left_out_once_locked() -> None:
    tree = parse("modules/storage.bicep")
    assert "condition" in tree["resources"]["auditImmutability"]["config"]
    assert "= if (!auditPolicyLocked)" in (BICEP / "modules" / "storage.bicep").read_text()


def test_monitoring_covers_what_the_spec_lists() -> None:
    text = (BICEP / "modules" / "alerts.bicep").read_text()
    alerts = ("function-failures", "daily-timer-missed", "quarantine-growth", "poison-delivery")
    for alert in (*alerts, "keyvault-reference-failure"):
        assert f"name: '{alert}'" in text
    assert "'DeadLetteredCount', 'DroppedEventCount'" in text
    assert "/api/health" in text and "Microsoft.Insights/webtests" in text
    assert "ago(26h)" in text
    for module in ("storage", "keyvault"):
        assert "Microsoft.Insights/diagnosticSettings" in (BICEP / "modules" / f"{module}.bicep").read_text()
    # Workspace-based Application Insights ignores its own retention: only the workspace sets it.
    assert "RetentionInDays" not in (BICEP / "modules" / "monitoring.bicep").read_text()


def test_authority_from_the_cloud_environment() -> None:
    text = (BICEP / "main.bicep").read_text()
    assert "login.microsoftonline.com" not in text
    assert "environment().authentication.loginEndpoint" in text


def test_function_app_name_is_unique() -> None:
    text = (BICEP / "main.bicep").read_text()
    assert "var siteName = take('${namePrefix}-func-${suffix}', 60)" in text


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


@pytest.mark.parametrize("path", ["main.bicepparam", "main.bicep", "modules/keyvault.bicep"])
def test_no_secret_values_in_repo(path: str) -> None:
    text = (BICEP / path).read_text()
    assigned = re.findall(r"clientSecret = (.+)", text)
    assert all(value == "readEnvironmentVariable('PORTAL_CLIENT_SECRET', '')" for value in assigned)
    assert not re.search(r"clientSecret string = '[^']", text)  # an empty default only


def bicepparam_assignments() -> dict[str, str]:
    """`param name = expression` lines of main.bicepparam (pycep cannot read .bicepparam)."""
    text = (BICEP / "main.bicepparam").read_text()
    return dict(re.findall(r"^param (\w+) = (.+)$", text, flags=re.MULTILINE))


def test_bicepparam_names_real_parameters_and_assigns_the_required_ones() -> None:
    text = (BICEP / "main.bicepparam").read_text()
    assert text.startswith("using './main.bicep'")
    assigned = bicepparam_assignments()
    params = parse("main.bicep")["parameters"]
    assert set(assigned) - set(params) == set()
    required = {name for name, spec in params.items() if "default" not in spec}
    assert required - set(assigned) == set(), "main.bicep parameters without a default must be assigned"


def test_bicepparam_reads_the_secret_from_the_environment_only() -> None:
    assigned = bicepparam_assignments()
    assert assigned["clientSecret"] == "readEnvironmentVariable('PORTAL_CLIENT_SECRET', '')"
    for name, expression in assigned.items():
        if "secret" in name.lower():
            assert expression.startswith("readEnvironmentVariable(")


def test_bicepparam_reads_what_deploy_sh_exports() -> None:
    """Every environment variable the parameter file reads is one deploy.sh sets (or the secret);
    a flag the comments mention exists in deploy.sh."""
    text = (BICEP / "main.bicepparam").read_text()
    read = set(re.findall(r"readEnvironmentVariable\('(\w+)'", text))
    script = (BICEP.parent / "deploy.sh").read_text()
    exported = set(re.findall(r"\b(PORTAL_[A-Z_]+)=", script))
    assert read and read - exported == set()
    from tests.infra.fake_az import PARAM_ENV

    assert read == set(PARAM_ENV)  # the fake's what-if compares exactly these
    for flag in re.findall(r"--[a-z][a-z-]+", text):
        assert f"{flag})" in script or f"|{flag})" in script, flag
