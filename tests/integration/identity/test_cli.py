"""The ops CLI's audit reader and end-service, against Azurite through the installed context."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from cli.__main__ import main
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.audit import AuditEvent
from shared.domain.companies import Company
from shared.domain.identity import GrantStatus
from tests.support.identity import add_grant


def test_audit_reader_filters_and_prints_json(
    ctx: AppContext, clock: MutableClock, capsys: pytest.CaptureFixture[str]
) -> None:
    log = ctx.audit_log
    yesterday = clock.now() - timedelta(days=1)
    log.append(AuditEvent("login", yesterday, "t/o1", client="10.0.0.1"))
    log.append(AuditEvent("grant.revoked", clock.now(), "t/adv", target="100001-aa", customer_number="100001"))
    log.append(AuditEvent("login", clock.now(), "t/o2"))

    assert main(["audit", "--json"]) == 0
    today = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [e["action"] for e in today] == ["grant.revoked", "login"]

    assert main(["audit", "--from", yesterday.date().isoformat(), "--action", "login"]) == 0
    captured = capsys.readouterr()
    assert [ln.split("  ")[2] for ln in captured.out.splitlines()] == ["t/o1", "t/o2"]
    assert "2 event(s)" in captured.err

    assert main(["audit", "--customer", "100001", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["target"] == "100001-aa"

    assert main(["audit", "days"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_service_end_revokes_and_unenrols(ctx: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    ctx.company_store.put(Company("100002", "Beispiel GmbH", ("LAA",), {"LAA": 400_000}, enrolled=True))
    grant = add_grant(ctx, "eva@beispiel-gmbh.ch", "100002", ("LAA",))
    assert main(["companies", "end-service", "100002"]) == 0
    assert "1 grant(s) revoked" in capsys.readouterr().out
    assert ctx.company_store.get("100002").enrolled is False  # type: ignore[union-attr]
    assert ctx.grant_store.get(grant.grant_id).status is GrantStatus.REVOKED  # type: ignore[union-attr]
    actors = {e["actor"] for e in ctx.audit_log.read_day(ctx.clock.now().date())}
    assert actors == {"system/cli"}
    assert main(["companies", "end-service", "999999"]) == 1
