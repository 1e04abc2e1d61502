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
    assert {"incoming", "documents", "quarantine", "audit", "downloads", "deploymentpackage"} <= names
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


def test_zip_archives_are_cleaned_up_after_a_day_at_most() -> None:
    rules = config(parse("modules/storage.bicep"), "lifecycle")["properties"]["policy"]["rules"]
    cleanup = next(rule for rule in rules if rule["name"] == "downloads-cleanup")
    assert cleanup["definition"]["filters"]["prefixMatch"] == ["downloads/"]
    assert cleanup["definition"]["actions"]["baseBlob"]["delete"] == {"daysAfterCreationGreaterThan": 1}


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
    assert "var dataContainers = [ 'incoming', 'documents', 'quarantine', 'audit', 'downloads' ]" in variables
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


def test_no_client_secret_by_default() -> None:
    """The app registration proves itself with the managed identity (federated credential): the
    client secret setting is a vault reference only when the fallback is chosen explicitly."""
    params = parse("main.bicep")["parameters"]
    assert params["clientAuth"]["default"] == "managed_identity"
    assert "clientSecret" not in params
    text = (BICEP / "main.bicep").read_text()
    assert "PORTAL_CLIENT_AUTH: clientAuth" in text
    assert "PORTAL_CLIENT_SECRET: clientAuth == 'secret' ? '@Microsoft.KeyVault(" in text
    assert bicepparam_assignments()["clientAuth"] == "readEnvironmentVariable('PORTAL_CLIENT_AUTH', 'managed_identity')"
    vault = (BICEP / "modules" / "keyvault.bicep").read_text()
    assert "name: 'portal-form-secret'" in vault and "name: 'portal-client-secret'" not in vault


@pytest.mark.parametrize("path", ["main.bicepparam", "main.bicep", "modules/keyvault.bicep"])
def test_no_secret_values_in_repo(path: str) -> None:
    text = (BICEP / path).read_text()
    assigned = re.findall(r"formSecret = (.+)", text)
    assert all(value == "readEnvironmentVariable('PORTAL_FORM_SECRET', '')" for value in assigned)
    assert not re.search(r"formSecret string = '[^']", text)  # an empty default only
    assert not re.search(r"\bclientSecret\b", text)  # no client secret parameter any more


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
    assert assigned["formSecret"] == "readEnvironmentVariable('PORTAL_FORM_SECRET', '')"
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


# --- The document generator (docs/generator.md): write into `incoming`, nothing else ---

CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"  # Storage Blob Data Contributor
GENERATOR_NAMES = {"generatorPrincipalId", "testGeneratorPrincipalId", "generatorMain", "generatorTest",
                   "generatorPrincipals"}


def mentions(node: Any, names: set[str]) -> bool:
    """Whether a parsed expression refers to any of `names` (pycep leaves identifiers as strings)."""
    if isinstance(node, str):
        return node in names
    if isinstance(node, dict):
        return any(mentions(value, names) for value in node.values())
    if isinstance(node, list):
        return any(mentions(value, names) for value in node)
    return False


def role_assignments(tree: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Role assignments of a file, loops unwrapped to the per-item config."""
    found = {}
    for name, resource in tree.get("resources", {}).items():
        if resource["type"] == "Microsoft.Authorization/roleAssignments":
            conf = resource["config"]
            found[name] = conf["config"] if "loop_type" in conf else conf
    return found


def generator_role_violations(tree: dict[str, Any]) -> list[str]:
    """Every way the generator module grants more than Contributor on the incoming container."""
    problems = []
    assignments = role_assignments(tree)
    if set(assignments) != {"incomingWriters"}:
        problems.append(f"expected one role assignment, found {sorted(assignments)}")
    variables = {name: var["value"] for name, var in tree.get("variables", {}).items()}
    for name, conf in assignments.items():
        scope = conf.get("scope")
        container = tree["resources"].get(scope) if isinstance(scope, str) else None
        if not container or container["type"] != "Microsoft.Storage/storageAccounts/blobServices/containers":
            problems.append(f"{name}: scope {scope!r} is not a container")
        elif not container["existing"] or container["config"]["name"] != "incoming":
            problems.append(f"{name}: scope is container {container['config']['name']!r}, not incoming")
        role = conf["properties"]["roleDefinitionId"]["function"]["parameters"]["resource_name_1"]
        if variables.get(role, role) != CONTRIBUTOR:
            problems.append(f"{name}: role {variables.get(role, role)!r} is not Storage Blob Data Contributor")
        principal = conf["properties"]["principalType"]
        if not mentions(principal, {"principal"}):
            problems.append(f"{name}: principal type not taken from the parameter")
    return problems


def test_generator_role_is_contributor_on_incoming_only() -> None:
    """GIVEN the generator module THEN its one role is Blob Data Contributor scoped to the incoming container."""
    tree = parse("modules/generator-access.bicep")
    assert generator_role_violations(tree) == []
    blob_service = tree["resources"][config(tree, "incoming")["parent"]]
    assert blob_service["type"] == "Microsoft.Storage/storageAccounts/blobServices"
    assert tree["resources"][blob_service["config"]["parent"]]["type"] == "Microsoft.Storage/storageAccounts"


@pytest.mark.parametrize(
    ("original", "weakened"),
    [
        ("scope: incoming", "scope: storage"),  # account scope would reach documents and audit
        ("name: 'incoming'", "name: 'documents'"),
        ("'ba92f5b4-2d11-453d-a403-e96b0029c9fe'", "'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'"),  # Owner
    ],
)
def test_a_wider_generator_role_is_caught(original: str, weakened: str) -> None:
    """GIVEN the module widened (account scope, another container, Owner) THEN the facts check objects."""
    text = (BICEP / "modules" / "generator-access.bicep").read_text()
    assert original in text
    tree = cast(dict[str, Any], BicepParser().parse(text=text.replace(original, weakened, 1)))
    assert generator_role_violations(tree) != []


def test_no_other_role_for_the_generator() -> None:
    """GIVEN every template THEN the generator's principals reach only the generator-access module, and
    no other file assigns a role to anything but the function app's identity."""
    main = parse("main.bicep")
    assert "resources" not in main or not role_assignments(main)
    using = {name for name, module in main["modules"].items() if mentions(module["config"], GENERATOR_NAMES)}
    assert using == {"generatorAccess"}
    assert main["modules"]["generatorAccess"]["detail"]["path"] == "modules/generator-access.bicep"
    assert main["modules"]["generatorAccess"]["config"]["config"]["params"]["principals"] == "generatorPrincipals"
    for path in sorted(BICEP.rglob("*.bicep")):
        tree = cast(dict[str, Any], BicepParser().parse(text=path.read_text()))
        # roles.bicep: the app's identity (and the operator group); eventgrid.bicep: the system topic's.
        if role_assignments(tree) and path.name not in {"roles.bicep", "eventgrid.bicep", "generator-access.bicep"}:
            pytest.fail(f"unexpected role assignments in {path.name}")


def test_generator_access_and_network_are_optional() -> None:
    """GIVEN no generator parameters THEN nothing is assigned, no endpoint is made and the firewall stays off."""
    main = parse("main.bicep")
    params = main["parameters"]
    for name in ("generatorPrincipalId", "testGeneratorPrincipalId", "functionAppSubnetId",
                 "generatorPrivateEndpointSubnetId", "generatorPrivateDnsZoneId"):
        assert params[name]["default"] == "", name
    assert params["generatorIpRules"]["default"] == []
    assert params["generatorSubnetIds"]["default"] == []
    allowed = next(d for d in params["generatorPrincipalType"]["decorators"] if d["type"] == "allowed")
    assert sorted(allowed["argument"]) == ["Group", "ServicePrincipal"]
    assert mentions(main["modules"]["generatorAccess"]["config"]["condition"], {"generatorPrincipals"})
    assert mentions(main["modules"]["generatorNetwork"]["config"]["condition"], {"generatorPrivateEndpointSubnetId"})


def test_firewall_admits_the_function_app_before_it_denies() -> None:
    """GIVEN the storage firewall THEN it turns on only with admitted subnets, and main.bicep admits the
    function app's integration subnet whenever it turns it on (the app never locks itself out)."""
    storage = parse("modules/storage.bicep")
    acls = config(storage, "account")["properties"]["networkAcls"]
    assert acls["defaultAction"]["operator"]["operands"] == {
        "condition": "firewallOn", "true_value": "Deny", "false_value": "Allow"}
    assert mentions(storage["variables"]["firewallOn"]["value"], {"allowedSubnetIds"})
    assert acls["virtualNetworkRules"]["loop_type"]["detail"]["array_name"] == "allowedSubnetIds"
    assert acls["ipRules"]["loop_type"]["detail"]["array_name"] == "allowedIpRules"
    main = (BICEP / "main.bicep").read_text()
    assert ("allowedSubnetIds: empty(functionAppSubnetId) ? [] : concat([ functionAppSubnetId ], generatorSubnetIds)"
            in main)
    assert "subnetId: functionAppSubnetId" in main  # the same subnet integrates the app
    site = config(parse("modules/functionapp.bicep"), "site")
    assert mentions(site["properties"]["virtualNetworkSubnetId"], {"subnetId"})


def test_generator_private_endpoint_targets_blob_only() -> None:
    endpoint = config(parse("modules/generator-network.bicep"), "endpoint")
    connection = endpoint["properties"]["privateLinkServiceConnections"][0]["properties"]
    assert connection["groupIds"] == ["blob"]
