"""The ops commands against Azurite, run through the real CLI entry point."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest

from cli.__main__ import main
from shared.adapters.storage.companies import CompanyStore
from shared.adapters.storage.index import DocumentIndex
from shared.clock import MutableClock
from shared.context import AppContext
from shared.services.filing import FilingService, Outcome
from tests.support.filing import blob_names, drop, make_pdf

HEADER = "customer_number,name,lines,premium_ijm,premium_laa,premium_laac,domains,advisor_email,enrolled\n"
CSV_ROWS = (
    "200001,Alpha AG,IJM;LAA,300'000,50000,,alpha.ch,berater@versicherer.ch,yes\n"  # created
    "100001,Muster AG (neu),IJM;LAA;LAAC,520000,430000,250000,muster-ag.ch,,ja\n"  # updated
    "12ab,Bad Number AG,LAA,,,,,,no\n"
    "200002,,LAA,,,,,,no\n"
    "200003,Gamma SA,XYZ,,,,,,no\n"
    "200004,Delta SA,,,,,,,no\n"
    "200005,Epsilon SA,LAA,lots,,,,,no\n"
    "200006,Zeta SA,LAA,1000,,,,,no\n"  # premium for a line not on contract
    "200007,Eta SA,LAA,,,,not a domain,,no\n"
    "200008,Theta SA,LAA,,,,,not-an-email,no\n"
    "200009,Iota SA,LAA,,,,,,maybe\n"
    "200001,Alpha AG again,IJM,,,,,,yes\n"
)


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "companies.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_company_import_reports_created_updated_and_each_refused_row(
    ctx: AppContext, companies: CompanyStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, HEADER + CSV_ROWS)
    assert main(["companies", "import", str(path), "--no-progress"]) == 1  # refused rows → exit 1
    out = capsys.readouterr().out
    assert "created 1, updated 1, unchanged 0, refused 10" in out
    for row, reason in [(3, "invalid_customer_number"), (4, "missing_name"), (5, "unknown_line"), (6, "no_lines"),
                        (7, "invalid_premium"), (8, "premium_without_contract"), (9, "invalid_domain"),
                        (10, "invalid_advisor_email"), (11, "invalid_enrolled"), (12, "duplicate_in_file")]:
        assert f"row {row}: {reason}" in out
    alpha = companies.get("200001")
    assert alpha is not None and alpha.premium_by_line == {"IJM": 300_000, "LAA": 50_000} and alpha.enrolled
    muster = companies.get("100001")
    assert muster is not None and muster.name == "Muster AG (neu)"
    assert companies.get("200002") is None
    assert main(["companies", "import", str(path), "--no-progress"]) == 1
    assert "created 0, updated 0, unchanged 2, refused 10" in capsys.readouterr().out


def test_company_import_semicolons_bom_and_missing_columns(
    ctx: AppContext, companies: CompanyStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, "\ufeffcustomer_number;name;lines;enrolled\n300001;Kappa AG;UVG;oui\n")
    assert main(["companies", "import", str(path), "--no-progress"]) == 0
    kappa = companies.get("300001")
    assert kappa is not None and kappa.lines == ("LAA",) and kappa.enrolled
    path = write_csv(tmp_path, "number,name\n1,x\n")
    assert main(["companies", "import", str(path), "--no-progress"]) == 1
    assert "missing_column" in capsys.readouterr().out
    assert main(["companies", "list"]) == 0
    assert "300001\tKappa AG\tLAA" in capsys.readouterr().out


def test_unknown_company_is_quarantined_then_imported_requeued_and_filed(
    ctx: AppContext, service: FilingService, index: DocumentIndex, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """GIVEN a document for a company not yet in the registry WHEN ops import the company and
    requeue THEN the document is filed under it."""
    name = "400001/KTG/payment_letter/2026-02-01_P-1.pdf"
    drop(ctx, name, make_pdf())
    assert service.file(name).reason == "unknown_customer"
    assert main(["quarantine", "list"]) == 0
    listed = capsys.readouterr().out
    assert "1 quarantined" in listed and "unknown_customer: 1" in listed
    path = write_csv(tmp_path, HEADER + "400001,Lambda AG,IJM,400000,,,lambda.ch,,yes\n")
    assert main(["companies", "import", str(path), "--no-progress"]) == 0
    assert main(["quarantine", "requeue", "--reason", "unknown_customer"]) == 0
    assert "1 requeued" in capsys.readouterr().out
    assert blob_names(ctx, "quarantine") == [] and blob_names(ctx, "incoming") == [name]
    result = service.file(name)
    assert result.outcome is Outcome.FILED
    assert [r.line for r in index.list_documents("400001", ["IJM"])[0]] == ["IJM"]


def test_end_service_makes_new_documents_quarantined_not_enrolled(
    ctx: AppContext, service: FilingService, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["companies", "end-service", "100001"]) == 0
    name = "100001/LAA/benefit_statement/2026-02-01_R-1.pdf"
    drop(ctx, name, make_pdf())
    assert service.file(name).reason == "not_enrolled"
    assert main(["quarantine", "requeue", name]) == 0
    assert main(["companies", "enrol", "100001"]) == 0
    assert service.file(name).outcome is Outcome.FILED
    assert main(["companies", "end-service", "1"]) == 2


def test_incoming_list_and_refile(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = "100001/LAA/benefit_statement/2026-02-01_R-2.pdf"
    drop(ctx, name, make_pdf())
    modified = ctx.storage.container("incoming").get_blob_client(name).get_blob_properties().last_modified
    clock.set(modified.astimezone(UTC) + timedelta(hours=1))
    assert main(["incoming", "list"]) == 0
    out = capsys.readouterr().out
    assert repr(name) in out and "STALE" in out and "1 waiting, 1 older than" in out
    assert main(["incoming", "refile"]) == 0
    assert "examined 1: filed 1; errors 0" in capsys.readouterr().out
    assert blob_names(ctx, "incoming") == [] and len(index.list_documents("100001", ["LAA"])[0]) == 1


def test_generate_drops_deterministic_documents_that_file(
    ctx: AppContext, service: FilingService, index: DocumentIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--count", "6", "--seed", "7", "--customer", "100001"]) == 0
    assert "dropped 6 documents" in capsys.readouterr().out
    names = blob_names(ctx, "incoming")
    assert len(names) == 6
    first = {n: ctx.storage.container("incoming").download_blob(n).readall() for n in names}
    assert main(["generate", "--count", "6", "--seed", "7", "--customer", "100001"]) == 0
    assert {n: ctx.storage.container("incoming").download_blob(n).readall() for n in names} == first
    outcomes = {service.file(n).outcome for n in names}
    assert outcomes == {Outcome.FILED}
    filed = index.list_documents("100001", ["IJM", "LAA", "LAAC"], limit=50)[0]
    assert len(filed) == 6 and all(r.title and r.insured_person and r.language in {"de", "fr", "it"} for r in filed)


def test_requeue_never_replaces_a_newer_blob_waiting_in_incoming(
    ctx: AppContext, service: FilingService, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "999999/LAA/benefit_statement/2026-02-01_R-3.pdf"
    drop(ctx, name, make_pdf("old"))
    assert service.file(name).reason == "unknown_customer"
    newer = make_pdf("newer")
    drop(ctx, name, newer)
    assert main(["quarantine", "requeue", name]) == 1
    assert "incoming already holds a newer" in capsys.readouterr().out
    assert ctx.storage.container("incoming").download_blob(name).readall() == newer
    assert blob_names(ctx, "quarantine") == [name]
