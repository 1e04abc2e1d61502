"""Checkov over infra/bicep: no finding may pass unless it is suppressed in the Bicep with
a stated reason, and every Bicep file must parse (an unparsed file would pass silently)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BICEP = Path(__file__).resolve().parents[2] / "infra" / "bicep"
CHECKOV = Path(sys.executable).parent / "checkov"


def run_checkov(directory: Path) -> dict[str, Any]:
    # Offline: checkov would otherwise try to download its guideline mapping.
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    run = subprocess.run(
        [str(CHECKOV), "-d", str(directory), "--framework", "bicep", "--skip-download", "-o", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.stdout.strip(), f"checkov printed nothing: {run.stderr[-2000:]}"
    data: dict[str, Any] = json.loads(run.stdout)
    return data


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return run_checkov(BICEP)


def test_every_bicep_file_parses(report: dict[str, Any]) -> None:
    """GIVEN every .bicep file WHEN checkov reads them THEN none fails to parse and all have resources."""
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["resource_count"] >= 20
    results = report["results"]
    checked = {r["file_path"].lstrip("/") for r in results["passed_checks"] + results["skipped_checks"]}
    for module in ("storage", "keyvault", "functionapp", "appsettings"):
        assert f"modules/{module}.bicep" in checked


def test_no_unsuppressed_findings(report: dict[str, Any]) -> None:
    failed = [f"{r['check_id']} {r['resource']} ({r['file_path']})" for r in report["results"]["failed_checks"]]
    assert failed == []


def test_every_suppression_gives_a_reason(report: dict[str, Any]) -> None:
    skipped = report["results"]["skipped_checks"]
    assert skipped, "expected the documented suppressions to be seen"
    for result in skipped:
        reason = (result.get("check_result") or {}).get("suppress_comment", "")
        assert len(reason.strip()) >= 20, f"{result['check_id']} on {result['resource']} lacks a reason"


def test_a_weakened_template_is_caught(tmp_path: Path) -> None:
    """GIVEN the storage account allowing TLS 1.0 WHEN checkov runs THEN it reports a failure (the gate bites)."""
    copy = tmp_path / "bicep"
    shutil.copytree(BICEP, copy)
    storage = copy / "modules" / "storage.bicep"
    text = storage.read_text()
    assert "minimumTlsVersion: 'TLS1_2'" in text
    storage.write_text(text.replace("minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 'TLS1_0'"))
    failed = {r["check_id"] for r in run_checkov(copy)["results"]["failed_checks"]}
    assert "CKV_AZURE_44" in failed
