"""Every `az` command and flag deploy.sh runs exists in the real Azure CLI, and every fixed value
it gives an enumerated flag is one the CLI allows. The calls are the ones the script really
made against the fake `az` (every path: first run with retries, re-run, lock, zone
redundancy); each is checked against `az <command> --help` of the pinned azure-cli
(infra/azure-cli.txt), which works offline and without a login. The CLI is installed once
into a cache outside the repository by scripts/azure_cli.sh; help texts are cached next to
it, keyed by that version."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.infra.deploy_harness import ROOT, SCRIPT, Story
from tests.infra.fake_az import command

INSTALLER = ROOT / "scripts" / "azure_cli.sh"
FLAG_LINE = re.compile(r"^ {4}(--[a-z0-9-]+)((?: -{1,2}[A-Za-z0-9-]+)*)\s+(?:\[[^\]]*\]\s*)*:(.*)$")


@pytest.fixture(scope="module")
def real_az(tmp_path_factory: pytest.TempPathFactory) -> Path:
    done = subprocess.run(["bash", str(INSTALLER)], capture_output=True, text=True, timeout=1500, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    az = Path(done.stdout.strip().splitlines()[-1])
    assert az.is_file(), az
    return az


@pytest.fixture(scope="module")
def recorded_calls(story: Story) -> list[list[str]]:
    """What deploy.sh called down every path of the story (conftest.py)."""
    return story.azure.all_calls


def help_text(az: Path, cmd: str) -> tuple[int, str]:
    cache = az.parent.parent / "help-cache" / (cmd.replace(" ", "_") + ".txt")
    if cache.exists():
        return 0, cache.read_text()
    config = cache.parent / "az-config"
    config.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "AZURE_CONFIG_DIR": str(config),
        "AZURE_CORE_COLLECT_TELEMETRY": "false",
        "AZURE_CORE_NO_COLOR": "true",
    }
    argv = [str(az), *cmd.split(), "--help"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300, check=False)
    text = done.stdout + done.stderr
    if done.returncode == 0 and "\nArguments" in text:
        cache.write_text(text)
    return done.returncode, text


def parse_flags(text: str) -> dict[str, str]:
    """Every option string of a command (long and short aliases) → its description."""
    flags: dict[str, str] = {}
    current: list[str] = []
    for line in text.splitlines():
        match = FLAG_LINE.match(line)
        if match:
            current = [match.group(1), *match.group(2).split()]
            for name in current:
                flags[name] = match.group(3).strip()
        elif current and line.startswith(" " * 10) and line.strip():
            for name in current:
                flags[name] += " " + line.strip()
        else:
            current = []
    return flags


def allowed_values(description: str) -> set[str] | None:
    match = re.search(r"Allowed values: ([^.]+)\.", description)
    return {v.strip() for v in match.group(1).split(",")} if match else None


def test_parse_flags_reads_aliases_and_values() -> None:
    sample = (
        "Arguments\n"
        "    --name -n           [Required] : Name of the app.\n"
        "    --build-remote                 : Enable remote build.  Allowed values: false,\n"
        "                                     true.\n"
    )
    flags = parse_flags(sample)
    assert set(flags) == {"--name", "-n", "--build-remote"}
    assert allowed_values(flags["--build-remote"]) == {"false", "true"}


def test_every_az_call_exists_in_the_real_cli(real_az: Path, recorded_calls: list[list[str]]) -> None:
    commands = sorted({command(argv) for argv in recorded_calls})
    assert len(commands) >= 15, commands
    with ThreadPoolExecutor(max_workers=3) as pool:
        helps = dict(zip(commands, pool.map(lambda c: help_text(real_az, c), commands), strict=True))
    problems: list[str] = []
    for cmd, (code, text) in helps.items():
        if code != 0 or "\nArguments" not in text:
            problems.append(f"az {cmd}: not a command of azure-cli ({text.strip().splitlines()[:1]})")
    for argv in recorded_calls:
        cmd = command(argv)
        code, text = helps[cmd]
        if code != 0:
            continue
        flags = parse_flags(text)
        args = argv[len(cmd.split()) :]
        for i, arg in enumerate(args):
            if not arg.startswith("-"):
                continue
            if arg not in flags:
                problems.append(f"az {cmd}: no flag {arg}")
                continue
            values = allowed_values(flags[arg])
            value = args[i + 1] if i + 1 < len(args) else None
            if values and value is not None and not value.startswith("-") and value not in values:
                problems.append(f"az {cmd} {arg} {value}: allowed are {sorted(values)}")
    assert problems == []


def test_every_az_command_in_the_script_was_exercised(recorded_calls: list[list[str]]) -> None:
    """A command the fake runs never reached would escape the check above."""
    text = SCRIPT.read_text()
    written = set(re.findall(r"\baz[s]? ((?:[a-z][a-z-]* ){1,4}[a-z][a-z-]*) --", text))
    ran = {command(argv) for argv in recorded_calls}
    missing = {cmd for cmd in written if not any(r == cmd for r in ran)}
    assert written and missing == set(), missing


def test_a_misspelled_flag_is_caught(real_az: Path) -> None:
    code, text = help_text(real_az, "functionapp keys list")
    assert code == 0
    flags = parse_flags(text)
    assert "--resource-group" in flags and "-g" in flags
    assert "--resource-groups" not in flags
    code, _ = help_text(real_az, "functionapp keys lists")
    assert code != 0


def runbook_calls() -> list[list[str]]:
    """`az …` invocations written in docs/operations.md (continuations joined; up to a pipe,
    a closing parenthesis or the end of the line)."""
    text = (ROOT / "docs" / "operations.md").read_text().replace("\\\n", " ")
    calls = []
    for match in re.finditer(r"(?<![\w-])az ([^|)\n]+)", text):
        tokens = list(itertools.takewhile(lambda t: "$(" not in t, match.group(1).split()))
        if tokens and re.fullmatch(r"[a-z][a-z-]*", tokens[0]):
            calls.append(tokens)
    return calls


def test_every_az_command_in_the_runbook_exists(real_az: Path) -> None:
    """The runbook's commands are run by people under pressure: a misspelled flag there costs."""
    calls = runbook_calls()
    assert len(calls) >= 20
    commands = sorted({command(tokens) for tokens in calls})
    with ThreadPoolExecutor(max_workers=3) as pool:
        helps = dict(zip(commands, pool.map(lambda c: help_text(real_az, c), commands), strict=True))
    problems = [f"az {cmd}: not a command" for cmd, (code, text) in helps.items()
                if code != 0 or "\nArguments" not in text]
    for tokens in calls:
        code, text = helps[command(tokens)]
        if code != 0:
            continue
        flags = parse_flags(text)
        problems += [f"az {command(tokens)}: no flag {t}" for t in tokens if t.startswith("-") and t not in flags]
    assert problems == []
