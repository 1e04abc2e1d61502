"""Build the function app's deployment zip from an allow-list, so nothing local ships.

Only what the Functions host needs goes in: function_app.py, host.json, requirements.txt
(remote build installs it) and the `functions/`, `web/` and `shared/` packages. The dev host,
CLI, tests, benchmarks, infra, node_modules, virtual environments and local settings stay
out — an allow-list cannot leak a file someone adds to the repo later.

Usage: python infra/package.py OUT.zip [--root DIR]   |   python infra/package.py --digest [--root DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT_FILES = ("function_app.py", "host.json", "requirements.txt")
PACKAGES = ("functions", "shared", "web")
SKIP_PARTS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
SKIP_SUFFIXES = (".pyc", ".pyo")


def package_files(root: Path) -> Iterator[Path]:
    """Yield every file the package holds, relative to root, in a stable order."""
    for name in ROOT_FILES:
        path = root / name
        if not path.is_file():
            raise FileNotFoundError(f"{name} is missing from {root}")
        yield Path(name)
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or SKIP_PARTS.intersection(rel.parts) or path.suffix in SKIP_SUFFIXES:
                continue
            yield rel


def build(root: Path, out: Path) -> list[str]:
    names: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for rel in package_files(root):
            archive.write(root / rel, rel.as_posix())
            names.append(rel.as_posix())
    return names


def digest(root: Path) -> str:
    """SHA-256 over the names and contents the package holds: equal digests, equal code.
    deploy.sh compares it with the last upload's, so a re-run uploads nothing new."""
    sha = hashlib.sha256()
    for rel in package_files(root):
        data = (root / rel).read_bytes()
        sha.update(f"{rel.as_posix()}\0{len(data)}\0".encode())
        sha.update(data)
    return sha.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--digest", action="store_true", help="print the content digest instead of writing a zip")
    args = parser.parse_args(argv)
    if args.digest:
        print(digest(args.root))
        return 0
    if args.out is None:
        parser.error("OUT.zip is required")
    names = build(args.root, args.out)
    print(f"{args.out}: {len(names)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
