"""Rules of signing in that hold for a real login and a local dev session alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def mfa_satisfied(claims: Mapping[str, Any], claim: str, value: str) -> bool:
    """The configured MFA signal is present: e.g. `acrs` contains `c1`, or `amr` contains `mfa`.

    Entra sends `acrs`/`amr` as lists; a single string is accepted for other issuers.
    """
    present = claims.get(claim)
    if isinstance(present, str):
        return present == value
    if isinstance(present, list | tuple):
        return value in present
    return False


def normalise_email(value: str) -> str:
    return value.strip().lower()
