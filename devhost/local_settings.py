"""`local.settings.json` into the environment, as the Functions host and Core Tools do.

Only the `Values` section is read; a variable already set in the environment wins, so a
developer (or CI) can override any setting without editing the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from pathlib import Path


class LocalSettingsError(ValueError):
    """local.settings.json is present but unusable; the host must not start half-configured."""


def load_local_settings(path: Path, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Copy the file's Values into `environ` without overriding; answer the names applied."""
    target = os.environ if environ is None else environ
    if not path.exists():
        return []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LocalSettingsError(f"{path.name} is not valid JSON: {exc}") from exc
    values = document.get("Values", {}) if isinstance(document, dict) else None
    if not isinstance(values, dict):
        raise LocalSettingsError(f"{path.name}: 'Values' must be an object")
    applied = []
    for key, value in values.items():
        if key in target:
            continue
        target[key] = _text(value)
        applied.append(key)
    return applied


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)
