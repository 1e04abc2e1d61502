"""The deployment zip holds the app and nothing local (dev host, CLI, tests, settings)."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra"))

import package  # noqa: E402

from tests.support.client import fresh_app  # noqa: E402


def test_package_holds_the_app_only(tmp_path: Path) -> None:
    out = tmp_path / "app.zip"
    package.build(ROOT, out)
    names = zipfile.ZipFile(out).namelist()
    expected = {"function_app.py", "host.json", "requirements.txt", "functions/retention_timer.py", "web/http.py"}
    assert expected <= set(names)
    assert any(n.startswith("shared/locales/") for n in names)
    forbidden = ("devhost/", "tests/", "bench/", "cli/", "node_modules/", ".venv/", "infra/", ".git/")
    assert [n for n in names if n.startswith(forbidden)] == []
    assert [n for n in names if "__pycache__" in n or n.endswith(".pyc")] == []
    assert "local.settings.json" not in names and "local.settings.example.json" not in names


def test_missing_entry_point_refuses(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text("{}")
    try:
        package.build(tmp_path, tmp_path / "x.zip")
    except FileNotFoundError as exc:
        assert "function_app.py" in str(exc)
    else:
        raise AssertionError("a package without function_app.py must not be built")


def test_deploy_script_names_the_real_event_grid_blob_trigger() -> None:
    """A wrong functionName in the Event Grid webhook is answered 202 and nothing runs."""
    script = (ROOT / "infra" / "deploy.sh").read_text()
    match = re.search(r'FILING_FUNCTION="\$\{FILING_FUNCTION:-([A-Za-z0-9_]+)\}"', script)
    assert match, "deploy.sh must name the filing function"
    triggers = {f.get_function_name(): f.get_trigger() for f in fresh_app().get_functions()}
    trigger = triggers[match.group(1)]
    assert type(trigger).__name__ == "BlobTrigger"
    assert trigger.path.startswith("incoming/")
    assert "EventGrid" in str(getattr(trigger, "source", ""))
    assert "/blobServices/default/containers/incoming/blobs/" in script


def test_alerted_timers_are_real_timer_functions() -> None:
    """The 26-hour alert names timers by function name; a wrong name would alert every hour."""
    text = (ROOT / "infra" / "bicep" / "modules" / "alerts.bicep").read_text()
    match = re.search(r"param dailyTimerFunctions array = \[([^\]]*)\]", text)
    assert match
    names = re.findall(r"'(\w+)'", match.group(1))
    triggers = {f.get_function_name(): type(f.get_trigger()).__name__ for f in fresh_app().get_functions()}
    assert names and all(triggers.get(name) == "TimerTrigger" for name in names), (names, triggers)
