"""Route templates of the Functions host (`a/{id}`, `{n:int}`, `{opt?}`, `{*rest}`) as regexes,
matched most specific first, as ASP.NET routing does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

RESERVED_PREFIXES = ("admin", "runtime")
_PARAM = re.compile(r"\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}")
_CONSTRAINTS = {"int": r"-?\d+", "alpha": r"[A-Za-z]+", "guid": r"[0-9a-fA-F-]{36}", "bool": r"(?:true|false)"}


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    literal_segments: int
    catch_all: bool
    function: Any

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return {k: v for k, v in found.groupdict().items() if v is not None}


def compile_route(template: str, function: Any) -> Route:
    template = template.strip("/")
    parts: list[str] = []
    literal = 0
    catch_all = False
    for index, segment in enumerate(template.split("/") if template else []):
        sep = "/" if index else ""
        param = _PARAM.fullmatch(segment)
        if param is None:
            literal += 1
            parts.append(sep + re.escape(segment))
            continue
        star, name, constraint, optional = param.groups()
        if star:
            catch_all = True
            parts.append(f"(?:{sep}(?P<{name}>.*))?")
            continue
        body = _CONSTRAINTS.get(constraint or "", r"[^/]+")
        piece = f"{sep}(?P<{name}>{body})"
        parts.append(f"(?:{piece})?" if optional else piece)
    return Route(template, re.compile("".join(parts), re.IGNORECASE), literal, catch_all, function)


def order(routes: list[Route]) -> list[Route]:
    """Most specific first: catch-alls last, then more literal segments first."""
    return sorted(routes, key=lambda r: (r.catch_all, -r.literal_segments, -len(r.template)))


def is_reserved(template: str) -> bool:
    first = template.strip("/").split("/")[0].lower()
    return any(first == p or first.startswith(p) for p in RESERVED_PREFIXES)
