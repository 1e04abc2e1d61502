"""Data minimisation, run by the retention sweep: each store's records that have outlived
their purpose are removed (quarantined blobs, rejected and unverified access requests,
expired verification tokens, revoked grants, expired sessions, spent rate-limit counters,
delivered mails, old audit day-blobs). One audit record per kind says how many went."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from shared.domain.audit import AuditEvent
from shared.domain.retention import ACTOR, MINIMISED_ACTION, Rule
from shared.services.ports import Audit

log = logging.getLogger("portal.retention")


def minimise(rules: Sequence[Rule], now: datetime, audit: Audit, dry_run: bool = False) -> dict[str, int]:
    """Apply every rule; one failing store is logged and the others still run.

    Returns the count per kind (-1 for a kind whose store failed). In a dry run nothing is
    removed or audited: the counts are what a real run would remove.
    """
    counts: dict[str, int] = {}
    for rule in rules:
        removed = 0
        try:
            for key in list(rule.store.due(now)):
                if not dry_run:
                    rule.store.remove(key)
                removed += 1
        except Exception as exc:  # noqa: BLE001 — a store outage must not stop the other rules
            log.warning("minimisation of %s failed after %d (%s)", rule.kind, removed, type(exc).__name__)
            counts[rule.kind] = -1
            if removed and not dry_run:
                _audit(audit, rule.kind, removed, now)
            continue
        counts[rule.kind] = removed
        if removed and not dry_run:
            _audit(audit, rule.kind, removed, now)
    log.info("minimisation: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def _audit(audit: Audit, kind: str, count: int, now: datetime) -> None:
    audit.append(AuditEvent(action=MINIMISED_ACTION, at=now, actor=ACTOR, target=kind, details={"count": count}))
