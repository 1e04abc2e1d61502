"""Route templates of the Functions host as the dev host matches them."""

from __future__ import annotations

import pytest

from devhost.routes import compile_route, is_reserved, order


def test_parameters_and_constraints() -> None:
    route = compile_route("api/items/{id:int}/parts/{part}", None)
    assert route.match("api/items/42/parts/wheel") == {"id": "42", "part": "wheel"}
    assert route.match("api/items/abc/parts/wheel") is None
    assert route.match("api/items/42/parts") is None
    assert route.match("API/Items/7/parts/x") == {"id": "7", "part": "x"}  # the host ignores case


def test_optional_and_catch_all_parameters() -> None:
    optional = compile_route("api/files/{name?}", None)
    assert optional.match("api/files") == {}
    assert optional.match("api/files/a.pdf") == {"name": "a.pdf"}
    rest = compile_route("api/blobs/{*path}", None)
    assert rest.match("api/blobs/100001/LAA/2026/x.pdf") == {"path": "100001/LAA/2026/x.pdf"}


@pytest.mark.parametrize(("constraint", "good", "bad"), [("alpha", "abc", "ab1"), ("bool", "true", "yes"),
                                                         ("guid", "0f8fad5b-d9cb-469f-a165-70867728950e", "x")])
def test_named_constraints(constraint: str, good: str, bad: str) -> None:
    route = compile_route(f"api/c/{{v:{constraint}}}", None)
    assert route.match(f"api/c/{good}") == {"v": good}
    assert route.match(f"api/c/{bad}") is None


def test_most_specific_route_first_and_the_catch_all_last() -> None:
    routes = order([
        compile_route("{*path}", "catch-all"),
        compile_route("api/documents/{id}", "one"),
        compile_route("api/documents/zip", "zip"),
        compile_route("api/documents/{id}/link", "link"),
    ])
    first = next(r for r in routes if r.match("api/documents/zip") is not None)
    assert first.function == "zip"
    assert next(r for r in routes if r.match("api/documents/abc") is not None).function == "one"
    assert routes[-1].function == "catch-all"


def test_reserved_prefixes() -> None:
    assert is_reserved("admin/x") and is_reserved("runtime/webhooks") and is_reserved("Admin")
    assert not is_reserved("api/admin") and not is_reserved("api/health")
