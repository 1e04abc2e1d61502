"""The Azure SDK's request logging stays off: its lines carry blob names (customer numbers)."""

from __future__ import annotations

import logging

import pytest


def test_azure_sdk_loggers_only_pass_warnings(caplog: pytest.LogCaptureFixture) -> None:
    import function_app  # noqa: F401 — the app as the host imports it

    sdk = logging.getLogger("azure.core.pipeline.policies.http_logging_policy")
    caplog.set_level(logging.DEBUG)  # the root logger and the capture accept everything
    sdk.info("Request URL: 'https://acct.blob.core.windows.net/documents/100001/LAA/2026/x.pdf'")
    sdk.warning("a warning passes")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("azure")] == ["a warning passes"]
    assert logging.getLogger("azure").getEffectiveLevel() == logging.WARNING
