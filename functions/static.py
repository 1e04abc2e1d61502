"""Static assets served by the app itself (no CDN), and the theme built from settings."""

from __future__ import annotations

import re
from pathlib import Path

import azure.functions as func

from shared import context
from web.http import endpoint
from web.problems import NotFound

bp = func.Blueprint()

STATIC = Path(__file__).resolve().parent.parent / "shared" / "static"
TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png"}
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,80}")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@bp.route(route="static/{name}", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET", "HEAD")
def static_file(req: func.HttpRequest) -> func.HttpResponse:
    name = req.route_params.get("name", "")
    if name == "theme.css":
        colour = context.current().settings.brand_colour
        if not HEX_COLOUR.fullmatch(colour):
            colour = "#0b4f8a"
        css = f":root {{ --brand: {colour}; }}\n"
        return func.HttpResponse(css, mimetype="text/css", charset="utf-8", headers={"Cache-Control": "max-age=300"})
    path = STATIC / name
    if not SAFE_NAME.fullmatch(name) or path.suffix not in TYPES or not path.is_file():
        raise NotFound("No such file.")
    return func.HttpResponse(
        path.read_bytes(), mimetype=TYPES[path.suffix], headers={"Cache-Control": "max-age=300"}
    )
