"""Runs infra/deploy.sh against the fake `az` (fake_az.py) and a fake `curl` on PATH, and reads
back what it called. Shared by the behaviour test and the real-CLI flag check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.infra.fake_az import command

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "infra" / "deploy.sh"
FAKE = Path(__file__).with_name("fake_az.py")
# A client secret someone left in the environment: deploy.sh must neither need nor pass it.
STRAY_SECRET = "s3cret-left-in-the-env"
SUBSCRIPTION = "portal-prod"
BASE_ARGS = [
    "-s", SUBSCRIPTION, "-g", "rg-portal", "-p", "benefitdocs", "--client-id", "app-id", "--mail-sender", "p@x.ch",
]

# Calls that change something in Azure; a second run must make none of them.
MUTATING = (
    "provider register",
    "group create",
    "group update",
    "deployment group create",
    "functionapp deployment source config-zip",
    "eventgrid event-subscription create",
    "storage container immutability-policy lock",
)


def initial_state() -> dict[str, Any]:
    providers = {
        ns: "Registered"
        for ns in (
            "Microsoft.Web",
            "Microsoft.Storage",
            "Microsoft.KeyVault",
            "Microsoft.Insights",
            "Microsoft.OperationalInsights",
            "Microsoft.AlertsManagement",
        )
    }
    return {
        "az_version": "2.91.0",
        "subscriptions": [SUBSCRIPTION, "00000000-1111-2222-3333-444444444444"],
        "subscription_id": "00000000-1111-2222-3333-444444444444",
        "resource_group": "rg-portal",
        "providers": providers,  # Microsoft.EventGrid not registered yet
        "zone_redundant_locations": ["switzerlandnorth", "westeurope"],
        "group_exists": False,
        "tags": {},
        "deployed": False,
        "params": {},
        "secret_versions": 0,
        "audit_state": "",
        "upload_403": 0,
        "key_missing": 0,
        "uploaded": [],
        "event_subscription": None,
    }


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    calls: list[dict[str, Any]]

    def commands(self) -> list[str]:
        return [command(c["argv"]) for c in self.calls]

    def mutations(self) -> list[str]:
        return [c for c in self.commands() if c in MUTATING]

    def count(self, cmd: str) -> int:
        return self.commands().count(cmd)

    def first(self, cmd: str) -> dict[str, Any]:
        return next(c for c in self.calls if command(c["argv"]) == cmd)


@dataclass
class FakeAzure:
    """One fake subscription; each `run` of deploy.sh sees what the previous runs left."""

    home: Path
    state: dict[str, Any] = field(default_factory=initial_state)
    all_calls: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bin = self.home / "bin"
        self.bin.mkdir(parents=True)
        (self.bin / "az").write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "{FAKE}" "$@"\n')
        (self.bin / "curl").write_text('#!/bin/sh\necho "$@" >> "$FAKE_CURL_LOG"\necho \'{"status": "ok"}\'\n')
        for tool in ("az", "curl"):
            (self.bin / tool).chmod(0o755)
        self.save()

    @property
    def state_path(self) -> Path:
        return self.home / "state.json"

    def save(self) -> None:
        self.state_path.write_text(json.dumps(self.state))

    def load(self) -> dict[str, Any]:
        self.state = json.loads(self.state_path.read_text())
        return self.state

    def set(self, **changes: Any) -> None:
        self.load()
        self.state.update(changes)
        self.save()

    def run(self, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> Run:
        log = self.home / "calls.jsonl"
        log.write_text("")
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AZURE_"))}
        environ.update(
            PATH=f"{self.bin}{os.pathsep}{environ.get('PATH', '')}",
            FAKE_AZ_STATE=str(self.state_path),
            FAKE_AZ_LOG=str(log),
            FAKE_CURL_LOG=str(self.home / "curl.log"),
            DEPLOY_RETRY_DELAY="0",
            PORTAL_CLIENT_SECRET=STRAY_SECRET,
            **(env or {}),
        )
        done = subprocess.run(
            ["bash", str(SCRIPT), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=environ,
            timeout=300,
            check=False,
        )
        calls = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        self.all_calls.extend(c["argv"] for c in calls)
        self.load()
        return Run(done.returncode, done.stdout, done.stderr, calls)


@dataclass
class Story:
    """deploy.sh run after run on one fake subscription, as an operator would over time."""

    azure: FakeAzure
    runs: dict[str, Run] = field(default_factory=dict)


def tell_story(home: Path) -> Story:
    """first: empty subscription, two 403s on upload and two empty key answers (retried);
    second: the same command again; lock: --lock-audit; changed: new parameters (alerts, zone
    redundancy, always-ready) after the lock; give_up: the Event Grid subscription was deleted and
    the key does not come within two attempts; resume: --skip-infra restores the subscription."""
    azure = FakeAzure(home)
    story = Story(azure)
    azure.set(upload_403=2, key_missing=2)
    story.runs["first"] = azure.run(*BASE_ARGS, "--yes")
    story.runs["second"] = azure.run(*BASE_ARGS, "--yes")
    story.runs["lock"] = azure.run(*BASE_ARGS, "--yes", "--lock-audit")
    changed = [
        *BASE_ARGS, "--alert-email", "ops@x.ch",
        "--zone-redundant", "--always-ready", '[{"name":"http","instanceCount":1}]',
    ]
    story.runs["changed"] = azure.run(*changed, "--yes", "--lock-audit")
    azure.set(event_subscription=None, key_missing=10)
    story.runs["give_up"] = azure.run(*changed, "--yes", env={"DEPLOY_RETRIES": "2"})
    azure.set(key_missing=1)
    story.runs["resume"] = azure.run(*BASE_ARGS, "--yes", "--skip-infra")
    return story
