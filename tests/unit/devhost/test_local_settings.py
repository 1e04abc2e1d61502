"""local.settings.json Values reach the environment like the Functions host puts them there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devhost.local_settings import LocalSettingsError, load_local_settings

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "local.settings.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_values_are_loaded_without_overriding_what_is_already_set(tmp_path: Path) -> None:
    """GIVEN a variable already set WHEN the file is loaded THEN the environment keeps its value."""
    path = write(tmp_path, {"IsEncrypted": False, "Values": {"A": "from-file", "B": "b", "FLAG": True, "N": 5}})
    env = {"A": "from-env"}
    applied = load_local_settings(path, env)
    assert env == {"A": "from-env", "B": "b", "FLAG": "true", "N": "5"}
    assert sorted(applied) == ["B", "FLAG", "N"]


def test_a_missing_file_changes_nothing(tmp_path: Path) -> None:
    env: dict[str, str] = {}
    assert load_local_settings(tmp_path / "absent.json", env) == []
    assert env == {}


@pytest.mark.parametrize("content", ["{not json", json.dumps({"Values": ["x"]}), json.dumps([1])])
def test_a_broken_file_is_an_error_not_a_half_configured_host(tmp_path: Path, content: str) -> None:
    path = tmp_path / "local.settings.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LocalSettingsError):
        load_local_settings(path, {})


def test_the_example_file_configures_local_mode_against_default_azurite() -> None:
    env: dict[str, str] = {}
    load_local_settings(ROOT / "local.settings.example.json", env)
    assert env["PORTAL_LOCAL_MODE"] == "true"
    assert "127.0.0.1:10000" in env["AzureWebJobsStorage"]
