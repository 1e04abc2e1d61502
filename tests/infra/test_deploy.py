"""infra/deploy.sh against a fake `az` that answers as the CLI does (tests/infra/fake_az.py):
the order of its calls, a first run that changes things and a second that changes nothing,
retries of what Azure makes eventually consistent, a locked audit policy, and the refusals.
The runs on one subscription are a story told once (conftest.py, deploy_harness.tell_story)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infra.deploy_harness import BASE_ARGS, MUTATING, STRAY_SECRET, FakeAzure, Story


@pytest.fixture
def azure(tmp_path: Path) -> FakeAzure:
    return FakeAzure(tmp_path)


def test_first_run_checks_previews_then_changes_in_order(story: Story) -> None:
    """GIVEN an empty subscription WHEN deploy.sh runs THEN it checks, previews, deploys, uploads,
    subscribes and smoke-tests in that order."""
    first = story.runs["first"]
    assert first.returncode == 0, first.stderr
    order = first.commands()
    expected = [
        "version",
        "account show",
        "provider list",
        "group show",
        "provider register",
        "group create",
        "deployment group what-if",
        "deployment group create",
        "deployment group show",
        "functionapp deployment source config-zip",
        "group update",
        "eventgrid event-subscription show",
        "functionapp keys list",
        "eventgrid event-subscription create",
    ]
    positions = [order.index(cmd) for cmd in expected]
    assert positions == sorted(positions), order
    register = first.first("provider register")["argv"]
    assert register[:4] == ["provider", "register", "--namespace", "Microsoft.EventGrid"]
    create = first.first("eventgrid event-subscription create")["argv"]
    assert create[create.index("--deadletter-identity") + 1] == "systemassigned"
    assert create[create.index("--deadletter-identity-endpoint") + 1].endswith("/containers/eventgrid-deadletter")
    endpoint = create[create.index("--endpoint") + 1]
    assert endpoint.endswith("functionName=Host.Functions.file_incoming&code=fake-blobs-key")
    assert "smoke test" in first.stdout and '{"status": "ok"}' in first.stdout
    assert "done: 5 changes" in first.stdout  # provider, group, infrastructure, code, subscription


def test_second_run_changes_nothing(story: Story) -> None:
    second = story.runs["second"]
    assert second.returncode == 0, second.stderr
    assert second.mutations() == []
    assert "infrastructure: no change" in second.stdout
    assert "package unchanged" in second.stdout
    assert "exists, dead-lettered" in second.stdout
    assert "done: nothing changed" in second.stdout
    assert second.count("functionapp keys list") == 0  # the subscription exists: no key needed
    # The vault holds the form key: it is not written again, which would replace it.
    assert second.first("deployment group what-if")["env"]["PORTAL_FORM_SECRET"] == ""


def test_the_form_key_is_generated_once_and_never_on_a_command_line(story: Story) -> None:
    """GIVEN no secret from anyone WHEN the first deployment runs THEN deploy.sh generates the
    form's CSRF key (256 bits), passes it through the environment only, and never again."""
    first = story.runs["first"]
    key = first.first("deployment group create")["env"]["PORTAL_FORM_SECRET"]
    assert len(key) == 43 and key != STRAY_SECRET
    for run in story.runs.values():
        assert all(key not in arg and STRAY_SECRET not in arg for call in run.calls for arg in call["argv"])
        assert key not in run.stdout + run.stderr
    assert story.azure.state["secret_versions"] == 1


def test_no_client_secret_by_default(story: Story) -> None:
    """The app registration trusts the managed identity: deploy.sh neither asks for a client
    secret nor reads one (main.bicepparam has no such parameter; test_bicep checks what it reads)."""
    create = story.runs["first"].first("deployment group create")
    assert create["env"]["PORTAL_CLIENT_AUTH"] == "managed_identity"
    script = (Path(__file__).resolve().parents[2] / "infra" / "deploy.sh").read_text()
    assert "PORTAL_CLIENT_SECRET" not in script


def test_a_403_on_upload_is_retried(story: Story) -> None:
    first = story.runs["first"]
    assert first.count("functionapp deployment source config-zip") == 3
    assert first.stderr.count("AuthorizationPermissionMismatch") == 2
    assert "package upload not ready (attempt 2 of 8)" in first.stderr
    # The digest tag is written only after the upload that worked.
    commands = first.commands()
    last_upload = len(commands) - 1 - commands[::-1].index("functionapp deployment source config-zip")
    assert commands.index("group update") > last_upload


def test_a_missing_key_is_retried(story: Story) -> None:
    first = story.runs["first"]
    assert first.count("functionapp keys list") == 3
    assert "blobs_extension key not ready (attempt 2 of 8)" in first.stderr


def test_retries_give_up_and_nothing_follows(story: Story) -> None:
    run = story.runs["give_up"]
    assert run.returncode == 1
    assert "blobs_extension key still failing after 2 attempts" in run.stderr
    assert run.count("eventgrid event-subscription create") == 0
    assert run.mutations() == []
    assert "smoke test" not in run.stdout


def test_a_later_run_repairs_what_a_failed_one_left(story: Story) -> None:
    resume = story.runs["resume"]
    assert resume.returncode == 0, resume.stderr
    assert resume.mutations() == ["eventgrid event-subscription create"]
    assert "deployment group what-if" not in resume.commands()  # --skip-infra


def test_lock_then_a_locked_policy_is_left_out_of_later_runs(story: Story) -> None:
    """GIVEN a deployment WHEN --lock-audit runs THEN only the lock changes; later runs, even with
    changed parameters, tell the template the policy is locked (a PUT would be refused)."""
    lock = story.runs["lock"]
    assert lock.returncode == 0, lock.stderr
    assert lock.mutations() == ["storage container immutability-policy lock"]
    changed = story.runs["changed"]
    assert changed.returncode == 0, changed.stderr
    assert "already locked" in changed.stdout
    assert changed.mutations() == ["deployment group create"]
    env = changed.first("deployment group create")["env"]
    assert env["PORTAL_AUDIT_POLICY_LOCKED"] == "true"
    assert env["PORTAL_ZONE_REDUNDANT"] == "true"
    assert env["PORTAL_ALWAYS_READY"] == '[{"name":"http","instanceCount":1}]'
    assert env["PORTAL_ALERT_EMAIL"] == "ops@x.ch"
    assert story.azure.state["audit_state"] == "Locked"


def test_every_call_names_the_checked_subscription(story: Story) -> None:
    for run in story.runs.values():
        for call in run.calls:
            if call["argv"][0] != "version":
                assert call["argv"][call["argv"].index("--subscription") + 1] == "portal-prod", call["argv"]
    assert set(MUTATING) <= {m for run in story.runs.values() for m in run.mutations()}


def test_an_unknown_subscription_is_refused_before_anything_else(azure: FakeAzure) -> None:
    run = azure.run("-s", "someone-elses", *BASE_ARGS[2:], "--yes")
    assert run.returncode == 2
    assert "subscription 'someone-elses' is not one this login can use" in run.stderr
    assert run.commands() == ["version", "account show"]


def test_an_old_cli_is_refused(azure: FakeAzure) -> None:
    azure.set(az_version="2.50.0")
    run = azure.run(*BASE_ARGS, "--yes")
    assert run.returncode == 2
    assert "older than" in run.stderr
    assert run.commands() == ["version"]


def test_lock_audit_is_refused_on_a_first_deployment(azure: FakeAzure) -> None:
    run = azure.run(*BASE_ARGS, "--yes", "--lock-audit")
    assert run.returncode == 2
    assert "refused on a first deployment" in run.stderr
    assert run.mutations() == []


def test_the_client_secret_fallback_is_explicit(azure: FakeAzure) -> None:
    """--client-secret-fallback switches the app to the secret an operator put into the vault;
    the secret itself still never passes through deploy.sh."""
    run = azure.run(*BASE_ARGS, "--yes", "--client-secret-fallback")
    assert run.returncode == 0, run.stderr
    create = run.first("deployment group create")
    assert create["env"]["PORTAL_CLIENT_AUTH"] == "secret"
    assert all(STRAY_SECRET not in arg for call in run.calls for arg in call["argv"])


def test_without_yes_a_no_stops_before_any_change(azure: FakeAzure) -> None:
    run = azure.run(*BASE_ARGS, stdin="n\n")
    assert run.returncode == 1
    assert "nothing more was changed" in run.stdout
    assert run.mutations() == []


def test_zone_redundancy_is_checked_against_the_region(azure: FakeAzure) -> None:
    azure.set(zone_redundant_locations=["westeurope"])
    run = azure.run(*BASE_ARGS, "--yes", "--zone-redundant")
    assert run.returncode == 2
    assert "not offered in switzerlandnorth" in run.stderr
    assert run.mutations() == []


@pytest.mark.parametrize("args", [["-g"], [*BASE_ARGS, "--alert-email"], [*BASE_ARGS, "--alert-email", "--yes"]])
def test_a_flag_without_its_value_is_refused(azure: FakeAzure, args: list[str]) -> None:
    run = azure.run(*args)
    assert run.returncode == 2
    assert "needs a value" in run.stderr
    assert run.calls == []
