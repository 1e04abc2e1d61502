"""Blueprint for this capability (see the module's docstring once built)."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()
