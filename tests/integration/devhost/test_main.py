"""`python -m devhost` as the run script starts it: local.settings.json loaded (the environment
wins), the app served on loopback, a clean exit on TERM."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import requests

from tests.support.azurite import Azurite, free_port

ROOT = Path(__file__).resolve().parents[3]


def test_python_m_devhost_serves_the_app_with_local_settings(azurite: Azurite, tmp_path: Path) -> None:
    prefix_from_env = "e" + uuid.uuid4().hex[:10]
    settings = tmp_path / "local.settings.json"
    settings.write_text(
        json.dumps(
            {
                "IsEncrypted": False,
                "Values": {
                    "AzureWebJobsStorage": azurite.connection_string,
                    "PORTAL_LOCAL_MODE": "true",
                    "PORTAL_STORAGE_PREFIX": "fromfile",
                },
            }
        ),
        encoding="utf-8",
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AzureWebJobsStorage" and not k.startswith("PORTAL_")}
    env["PORTAL_STORAGE_PREFIX"] = prefix_from_env
    process = subprocess.Popen(
        [sys.executable, "-m", "devhost", "--port", str(port), "--settings", str(settings), "--no-timers"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for text in process.stdout or []:
            lines.put(text)

    threading.Thread(target=pump, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=60)
            if "dev host ready" in line:
                break
        assert f"http://127.0.0.1:{port}" in line
        resp = requests.get(f"http://127.0.0.1:{port}/api/health", timeout=10)
        assert resp.status_code == 200 and resp.json() == {"status": "ok"}
        # The environment's prefix won over the file's: the host created its tables under it.
        from azure.data.tables import TableServiceClient

        tables = {t.name for t in TableServiceClient.from_connection_string(azurite.connection_string).list_tables()}
        assert f"{prefix_from_env}devhostreceipts" in tables
        assert "fromfiledevhostreceipts" not in tables
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
