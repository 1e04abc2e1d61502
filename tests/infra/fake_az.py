"""A stand-in for the Azure CLI that deploy.sh can run against: it records every call and
answers from a small JSON state (what exists in the fake subscription), the way the real CLI
prints with the --query/--output the script asks for. Failures to rehearse are counters in the
state: `upload_403` uploads refused before one succeeds, `key_missing` empty key answers.

Run as `python fake_az.py ARGS…` through an `az` wrapper on PATH; FAKE_AZ_STATE names the state
file, FAKE_AZ_LOG the JSON-lines log of calls (argv and the PORTAL_* environment it saw).
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

# What main.bicepparam reads: what-if compares these with the last deployment's.
PARAM_ENV = (
    "PORTAL_NAME_PREFIX",
    "PORTAL_LOCATION",
    "PORTAL_CLIENT_ID",
    "PORTAL_CLIENT_AUTH",
    "PORTAL_FORM_SECRET",
    "PORTAL_MAIL_SENDER",
    "PORTAL_BASE_URL",
    "PORTAL_ALERT_EMAIL",
    "PORTAL_OPERATOR_GROUP_ID",
    "PORTAL_AUDIT_POLICY_LOCKED",
    "PORTAL_ZONE_REDUNDANT",
    "PORTAL_ALWAYS_READY",
)
RG_ID = "/subscriptions/{sub}/resourceGroups/{rg}"


class Exit(Exception):
    def __init__(self, code: int, stderr: str = "") -> None:
        super().__init__(stderr)
        self.code = code
        self.stderr = stderr


def option(args: list[str], name: str) -> str | None:
    if name in args:
        i = args.index(name)
        return args[i + 1] if i + 1 < len(args) else None
    return None


def command(args: list[str]) -> str:
    """The command words of an az call: everything before the first flag."""
    words = []
    for arg in args:
        if arg.startswith("-"):
            break
        words.append(arg)
    return " ".join(words)


def not_found(what: str) -> Exit:
    return Exit(3, f"ERROR: (ResourceNotFound) The Resource '{what}' was not found.\nCode: ResourceNotFound\n")


def outputs(state: dict[str, Any]) -> dict[str, Any]:
    rg = RG_ID.format(sub=state["subscription_id"], rg=state["resource_group"])
    prefix = state["params"]["PORTAL_NAME_PREFIX"]
    account = f"{prefix}stfake"
    storage_id = f"{rg}/providers/Microsoft.Storage/storageAccounts/{account}"
    values = {
        "functionAppName": f"{prefix}-func-fake",
        "functionAppHostName": f"{prefix}-func-fake.azurewebsites.net",
        "storageAccountName": account,
        "storageAccountId": storage_id,
        "keyVaultName": f"{prefix}-kv-fake",
        "keyVaultId": f"{rg}/providers/Microsoft.KeyVault/vaults/{prefix}-kv-fake",
        "systemTopicName": f"{prefix}-storage-events",
        "deadLetterContainerId": f"{storage_id}/blobServices/default/containers/eventgrid-deadletter",
        "storageBlobEndpoint": f"https://{account}.blob.core.windows.net/",
    }
    return {key: {"type": "String", "value": value} for key, value in values.items()}


def current_params() -> dict[str, str]:
    return {name: os.environ.get(name, "") for name in PARAM_ENV}


def handle(state: dict[str, Any], args: list[str]) -> str:
    cmd = command(args)
    sub = option(args, "--subscription")
    if cmd not in {"version"} and sub is not None and sub not in state["subscriptions"]:
        raise Exit(1, f"ERROR: Subscription '{sub}' not found. Check the spelling and casing and try again.\n")

    if cmd == "version":
        return state["az_version"]
    if cmd == "account show":
        return state["subscription_id"]
    if cmd == "provider list":
        return "\n".join(ns for ns, st in state["providers"].items() if st == "Registered")
    if cmd == "provider register":
        state["providers"][option(args, "--namespace")] = "Registered"
        return ""
    if cmd == "functionapp list-flexconsumption-locations":
        return "\n".join(state["zone_redundant_locations"])
    if cmd == "group show":
        if not state["group_exists"]:
            name = option(args, "--name")
            raise Exit(3, f"ERROR: (ResourceGroupNotFound) Resource group '{name}' could not be found.\n")
        if option(args, "--query") == "id":
            return RG_ID.format(sub=state["subscription_id"], rg=state["resource_group"])
        tag = (option(args, "--query") or "").removeprefix("tags.")
        return state["tags"].get(tag, "")
    if cmd == "group create":
        state["group_exists"] = True
        return ""
    if cmd == "group update":
        key, _, value = (option(args, "--set") or "").partition("=")
        state["tags"][key.removeprefix("tags.")] = value
        return ""
    if cmd == "deployment group show":
        if not state["deployed"]:
            raise Exit(3, "ERROR: (DeploymentNotFound) Deployment 'portal' could not be found.\n")
        return json.dumps(outputs(state))
    if cmd == "deployment group what-if":
        if not state["group_exists"]:
            raise Exit(3, "ERROR: (ResourceGroupNotFound) Resource group could not be found.\n")
        if not state["deployed"]:
            return "\n".join(f"Create\t{r}" for r in ("storage", "vault", "site", "topic"))
        # An empty key leaves the secret resource out of the template (Ignore, not a change);
        # a value would write a new version of the existing secret.
        params = current_params()
        changed = [k for k, v in params.items() if k != "PORTAL_FORM_SECRET" and v != state["params"].get(k)]
        if params["PORTAL_FORM_SECRET"]:
            changed.append("PORTAL_FORM_SECRET")
        return "\n".join(f"Modify\t(parameter {name})" for name in changed)
    if cmd == "deployment group create":
        params = current_params()
        if not state["deployed"] and not params["PORTAL_FORM_SECRET"]:
            raise Exit(1, "ERROR: the Key Vault secret resource needs a value\n")
        if params["PORTAL_AUDIT_POLICY_LOCKED"] != "true" and state["audit_state"] == "Locked":
            raise Exit(1, "ERROR: (ContainerImmutabilityPolicyFailure) The policy is locked.\n")
        if params["PORTAL_FORM_SECRET"]:
            state["secret_versions"] += 1
        state["params"] = params
        state["deployed"] = True
        state["audit_state"] = state["audit_state"] or "Unlocked"
        return ""
    if cmd == "resource show":
        if state["secret_versions"] and (option(args, "--ids") or "").endswith("/secrets/portal-form-secret"):
            return option(args, "--ids") or ""
        raise not_found(option(args, "--ids") or "")
    if cmd == "storage container immutability-policy show":
        if option(args, "--query") == "etag":
            return '"0x8DCFAKEETAG"'
        return state["audit_state"]
    if cmd == "storage container immutability-policy lock":
        if option(args, "--if-match") != '"0x8DCFAKEETAG"':
            raise Exit(1, "ERROR: (ConditionNotMet) The condition specified is not met.\n")
        state["audit_state"] = "Locked"
        return ""
    if cmd == "functionapp deployment source config-zip":
        if state["upload_403"] > 0:
            state["upload_403"] -= 1
            raise Exit(1, "ERROR: Status Code: 403, (AuthorizationPermissionMismatch) This request is not "
                       "authorized to perform this operation using this permission.\n")
        src = option(args, "--src") or ""
        state["uploaded"].append(sorted(zipfile.ZipFile(src).namelist())[:3])
        return ""
    if cmd == "functionapp keys list":
        if state["key_missing"] > 0:
            state["key_missing"] -= 1
            return ""  # the CLI prints nothing for a null value with --output tsv
        return "fake-blobs-key"
    if cmd == "eventgrid event-subscription show":
        if not state["event_subscription"]:
            raise not_found(option(args, "--name") or "")
        return state["event_subscription"]["deadletter"]
    if cmd == "eventgrid event-subscription create":
        state["event_subscription"] = {
            "endpoint": option(args, "--endpoint"),
            "deadletter": option(args, "--deadletter-identity-endpoint"),
        }
        return ""
    raise Exit(99, f"fake az: unexpected command: {' '.join(args)}\n")


def main() -> int:
    args = sys.argv[1:]
    state_path = Path(os.environ["FAKE_AZ_STATE"])
    state = json.loads(state_path.read_text())
    with open(os.environ["FAKE_AZ_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"argv": args, "env": current_params()}) + "\n")
    try:
        out = handle(state, args)
        code = 0
    except Exit as exc:
        sys.stderr.write(exc.stderr)
        out, code = "", exc.code
    state_path.write_text(json.dumps(state))
    if out:
        print(out)
    return code


if __name__ == "__main__":
    sys.exit(main())
