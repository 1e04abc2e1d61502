"""Helpers for the access-request tests: a valid submission, the browser form's CSRF pair,
and reads of what the app stored (through the app's own stores, on real Azurite)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.support.client import Client

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def open_form(http: Client) -> Callable[..., str]:
    """GET the form (the client keeps its CSRF cookie) and return the hidden field's token."""

    def opener(lang: str = "de") -> str:
        resp = http.get(f"/api/access-request?lang={lang}")
        assert resp.status_code == 200
        found = CSRF_FIELD.search(resp.text)
        assert found
        return found.group(1)

    return opener


