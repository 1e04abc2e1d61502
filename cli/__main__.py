"""Entry point of the ops CLI: each module in `cli/commands/` adds its own sub-commands."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from cli import commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli", description="Benefit documents portal — operations")
    sub = parser.add_subparsers(dest="command", required=True)
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"cli.commands.{module_info.name}")
        module.register(sub)
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
