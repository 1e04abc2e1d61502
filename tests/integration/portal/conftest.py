"""Fixtures for the portal's integration tests: a second Azurite over HTTPS with OAuth,
so the user-delegation (Azure) signing path runs against a real emulator too."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def unique_container() -> str:
    return "sas" + uuid.uuid4().hex[:12]


# ---- documents for the portal tests -------------------------------------------------


