"""Start and stop a real Azurite on free ports in a temporary folder (by PID)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connection_string(blob_port: int, queue_port: int, table_port: int, scheme: str = "http") -> str:
    return (
        f"DefaultEndpointsProtocol={scheme};AccountName={ACCOUNT};AccountKey={KEY};"
        f"BlobEndpoint={scheme}://127.0.0.1:{blob_port}/{ACCOUNT};"
        f"QueueEndpoint={scheme}://127.0.0.1:{queue_port}/{ACCOUNT};"
        f"TableEndpoint={scheme}://127.0.0.1:{table_port}/{ACCOUNT};"
    )


@dataclass
class Azurite:
    process: subprocess.Popen[bytes]
    folder: Path
    blob_port: int
    queue_port: int
    table_port: int
    owns_folder: bool
    scheme: str = "http"

    @property
    def connection_string(self) -> str:
        return connection_string(self.blob_port, self.queue_port, self.table_port, self.scheme)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                # Azurite waits for idle keep-alive connections on close; don't wait long.
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self.owns_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Azurite exited early with code {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)  # polling a port for readiness, not synchronising test logic
    raise RuntimeError("Azurite did not open its ports in time")


def start_azurite(
    folder: Path | None = None,
    *,
    ports: tuple[int, int, int] | None = None,
    extra_args: list[str] | None = None,
    scheme: str = "http",
    log_file: Path | None = None,
    in_memory: bool = False,
) -> Azurite:
    """`in_memory` keeps everything in memory (benchmarks): with `--location` Azurite rewrites its
    whole database file every few seconds, which stalls it at ~100,000 entities."""
    binary = ROOT / "node_modules" / ".bin" / "azurite"
    if not binary.exists():
        raise RuntimeError("Azurite is not installed: run `npm ci` in the repository root")
    owns = folder is None
    folder = folder or Path(tempfile.mkdtemp(prefix="azurite-"))
    folder.mkdir(parents=True, exist_ok=True)
    blob, queue, table = ports or (free_port(), free_port(), free_port())
    args = [
        str(binary),
        "--silent",
        "--skipApiVersionCheck",
        "--disableProductStyleUrl",
        *(["--inMemoryPersistence"] if in_memory else ["--location", str(folder)]),
        "--blobHost", "127.0.0.1", "--blobPort", str(blob),
        "--queueHost", "127.0.0.1", "--queuePort", str(queue),
        "--tableHost", "127.0.0.1", "--tablePort", str(table),
        *(extra_args or []),
    ]
    out = log_file.open("ab") if log_file else subprocess.DEVNULL
    process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env={**os.environ}, start_new_session=True)
    deadline = time.monotonic() + 120  # a loaded 2-core CI machine can take this long
    try:
        for port in (blob, table):
            _wait_for_port(port, process, deadline)
    except BaseException:  # a failed start ends the emulator's whole group: no orphan loads the machine
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        raise
    return Azurite(process, folder, blob, queue, table, owns, scheme)
