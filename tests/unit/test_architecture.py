"""The layering rules of ARCHITECTURE.md and the deployment's dependency list, checked on the source.

A module missing from requirements.txt makes the deployed app find "0 functions" silently,
so every third-party import of the deployed code must come from requirements.txt.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOYED = [
    ROOT / "function_app.py",
    *sorted((ROOT / "functions").rglob("*.py")),
    *sorted((ROOT / "shared").rglob("*.py")),
    *sorted((ROOT / "web").rglob("*.py")),
]
LOCAL_PACKAGES = {"functions", "shared", "web", "function_app"}
NEVER_FROM_APP = {"devhost", "cli", "tests", "bench"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def requirement_names() -> set[str]:
    names = set()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.add(re.split(r"[\[=<>~! ]", line)[0].lower().replace("_", "-"))
    return names


def test_deployed_code_imports_only_stdlib_local_or_required_packages() -> None:
    distributions = packages_distributions()
    required = requirement_names()
    missing: list[str] = []
    for path in DEPLOYED:
        for module in imports_of(path):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or top in LOCAL_PACKAGES or top == "__future__":
                continue
            dists = {d.lower().replace("_", "-") for d in distributions.get(top, [])}
            if not dists & required:
                missing.append(f"{path.relative_to(ROOT)}: {module} (from {sorted(dists) or 'unknown'})")
    assert not missing, "imports not covered by requirements.txt:\n" + "\n".join(missing)


def test_app_never_imports_the_dev_host_cli_tests_or_benchmarks() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in DEPLOYED
        for module in imports_of(path)
        if module.split(".")[0] in NEVER_FROM_APP
    ]
    assert not offenders, offenders


def test_domain_imports_nothing_but_domain_and_stdlib() -> None:
    offenders = []
    for path in sorted((ROOT / "shared" / "domain").rglob("*.py")):
        for module in imports_of(path):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or top == "__future__" or module.startswith("shared.domain"):
                continue
            offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders, offenders


def test_services_never_import_azure() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "shared" / "services").rglob("*.py"))
        for module in imports_of(path)
        if module.split(".")[0] == "azure"
    ]
    assert not offenders, offenders
