"""Sign a test client in through the real dev session route, with grants for the dev oid.

    csrf = login(http, ctx, "anna@muster-ag.ch", grants=[("100001", ("IJM", "LAA"))])
    http.post("/api/documents/zip", json=..., headers={"X-CSRF-Token": csrf})

The client gets an `Origin` header for the dev host, as a browser would send, so
state-changing requests pass the same-origin check; send the CSRF token yourself.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Sequence

from shared.adapters.identity.dev_directory import dev_tenant, oid_for
from shared.adapters.storage.grants import new_grant_id
from shared.context import AppContext
from shared.domain.identity import Grant, GrantKind, GrantStatus
from tests.support.client import Client


def add_grant(
    ctx: AppContext,
    email: str,
    customer_number: str,
    lines: Sequence[str],
    status: GrantStatus = GrantStatus.ACTIVE,
    kind: GrantKind = GrantKind.CUSTOMER,
) -> Grant:
    """A grant for the local directory's oid of `email`, as an approved invitation leaves it."""
    now = ctx.clock.now()
    grant = Grant(
        grant_id=new_grant_id(customer_number),
        tid=dev_tenant(ctx.settings),
        oid=oid_for(email),
        email=email.strip().lower(),
        customer_number=customer_number,
        lines=tuple(lines),
        kind=kind,
        status=status,
        created_at=now,
        activated_at=now if status is GrantStatus.ACTIVE else None,
        created_by="test",
    )
    ctx.grant_store.put(grant)
    return grant


def login(
    client: Client,
    ctx: AppContext,
    email: str,
    roles: Iterable[str] = (),
    grants: Iterable[tuple[str, Sequence[str]]] = (),
    language: str = "de",
) -> str:
    """Create the grants, sign in through POST /api/dev/session; return the CSRF token."""
    for customer_number, lines in grants:
        add_grant(ctx, email, customer_number, lines)
    parts = urllib.parse.urlsplit(client.base_url)
    client.headers["Origin"] = f"{parts.scheme}://{parts.netloc}"
    resp = client.post("/api/dev/session", json={"email": email, "roles": list(roles), "language": language})
    if resp.status_code != 200:
        raise AssertionError(f"dev session refused: {resp.status_code} {resp.text}")
    token: str = resp.json()["csrf_token"]
    return token
