"""Cold-start benchmark (SPEC 7): `import function_app` in fresh processes against importing
`azure.functions`, `azure.storage.blob` and `azure.data.tables` alone, in the same run.

    .venv/bin/python -m bench.coldstart [--runs 15] [--python PATH] [--build-venv]

SPEC 7 asks for a venv holding only requirements.txt: `--build-venv` builds one once in
~/.cache/portal-tools/coldstart-venv (outside the repo; the dev venv holds test tools that
could hide a missing lazy import or add to the time), and it is the default interpreter once
it exists, else the dev venv (the report says which).

Both sides run with bytecode compiled beforehand (a warm-up process per side writes it under
~/.cache/portal-tools/coldstart-pyc via PYTHONPYCACHEPREFIX, so nothing lands in the repo):
pip compiles site-packages at install, so timing our own modules from source would compare
compiling with loading. Runs alternate app and baseline so a load change hits both alike;
each child times its own import (interpreter start-up is the same on both sides and left out),
as wall time and as CPU time (on a shared, loaded machine the CPU time is the steadier one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import RESULTS

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path.home() / ".cache" / "portal-tools"
VENV = CACHE / "coldstart-venv"
PYC = CACHE / "coldstart-pyc"
BASELINE = "import azure.functions, azure.storage.blob, azure.data.tables"
APP = "import function_app"
PROBE = """
import json, sys, time
t, c = time.perf_counter(), time.process_time()
{stmt}
took, cpu = time.perf_counter() - t, time.process_time() - c
app = sys.modules.get("function_app")
print(json.dumps({{"seconds": took, "cpu": cpu, "functions": len(app.app.get_functions()) if app else None}}))
"""


def build_venv() -> Path:
    """A venv with requirements.txt only (hash-checked), built once and re-installed when the lock
    changes: a stale venv lacks what the app now imports, and the probe fails."""
    python = VENV / "bin" / "python"
    lock = ROOT / "requirements.txt"
    stamp = VENV / ".requirements.sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if not python.exists():
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text().strip() != digest:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--require-hashes", "-r", str(lock)], check=True)
        stamp.write_text(digest)
    return python


def probe(python: str, stmt: str) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYC)
    out = subprocess.run(
        [python, "-c", PROBE.format(stmt=stmt)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--python", help="interpreter to measure (default: the requirements-only venv if built)")
    ap.add_argument("--build-venv", action="store_true", help=f"build {VENV} from requirements.txt first")
    args = ap.parse_args(argv)
    if args.python:
        python = args.python
    elif args.build_venv or (VENV / "bin" / "python").exists():
        python = str(build_venv())
    else:
        python = str(ROOT / ".venv" / "bin" / "python")
    for stmt in (BASELINE, APP):
        probe(python, stmt)  # warm-up: writes the bytecode
    wall: dict[str, list[float]] = {APP: [], BASELINE: []}
    cpu: dict[str, list[float]] = {APP: [], BASELINE: []}
    functions = None
    for _ in range(args.runs):
        for stmt in (APP, BASELINE):
            result = probe(python, stmt)
            wall[stmt].append(result["seconds"])
            cpu[stmt].append(result["cpu"])
            if stmt == APP:
                functions = result["functions"]
    med = {k: statistics.median(v) for k, v in wall.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    load = os.getloadavg()[0]
    report = {
        "python": python,
        "runs": args.runs,
        "load_1min": round(load, 2),
        "app_median_s": round(med[APP], 4),
        "baseline_median_s": round(med[BASELINE], 4),
        "ratio": round(med[APP] / med[BASELINE], 2),
        "app_cpu_median_s": round(cpu_med[APP], 4),
        "baseline_cpu_median_s": round(cpu_med[BASELINE], 4),
        "cpu_ratio": round(cpu_med[APP] / cpu_med[BASELINE], 2),
        "budget_ratio": 1.3,
        "functions_registered": functions,
    }
    print(f"interpreter: {python}  ({args.runs} fresh processes each, load {load:.2f})")
    print(f"{'import':<62} {'wall median':>12} {'CPU median':>11}")
    for stmt in (APP, BASELINE):
        print(f"{stmt:<62} {med[stmt] * 1000:>9.0f} ms {cpu_med[stmt] * 1000:>8.0f} ms")
    print(f"ratio {report['ratio']:.2f}x wall, {report['cpu_ratio']:.2f}x CPU (budget <= 1.3x); "
          f"functions registered: {functions}")
    if load > 2:
        print("the machine is loaded: the CPU-time ratio is the steadier figure")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "coldstart.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
