"""How CLI commands reach storage: the same settings and context as the app.

Reads `local.settings.json` when present (like the dev host), then the environment.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from shared import context
from shared.context import AppContext

ROOT = Path(__file__).resolve().parent.parent


def load_local_settings(path: Path | None = None) -> None:
    """Put local.settings.json Values into the environment without overriding what is set."""
    path = path or ROOT / "local.settings.json"
    if not path.exists():
        return
    values = json.loads(path.read_text(encoding="utf-8")).get("Values", {})
    for key, value in values.items():
        os.environ.setdefault(key, str(value))


def cli_context() -> AppContext:
    load_local_settings()
    ctx = context.current()
    ctx.storage.ensure()
    return ctx
