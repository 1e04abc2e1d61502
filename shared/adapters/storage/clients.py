"""The one place that builds Azure Storage clients, from a connection string (local) or an
Entra ID credential (Azure: the app's managed identity, or an operator's sign-in for the
CLI), and names every container and table the app uses."""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass

from azure.core.credentials import TokenCredential
from azure.core.exceptions import ResourceExistsError
from azure.data.tables import TableClient, TableServiceClient
from azure.storage.blob import BlobServiceClient, ContainerClient

from shared.settings import Settings

# The Azure SDK logs every request at INFO (`azure.core.pipeline.policies.http_logging_policy`)
# with its URL, and blob names carry customer numbers: only warnings and errors leave the SDK.
# Set here, where every Azure client of the app, the CLI and the dev host is built.
logging.getLogger("azure").setLevel(logging.WARNING)

CONTAINERS = ("incoming", "documents", "quarantine", "audit", "downloads")
TABLES = (
    "companies",
    "accessrequests",
    "verifytokens",
    "grants",
    "sessions",
    "docindex",
    "docsearch",
    "docexpiry",
    "docids",
    "doclinks",
    "notifyprefs",
    "filingclaims",
    "ratelimits",
    "outbox",
    "devdirectory",
    "devhostreceipts",
    "devhostpoison",
)
# Stand-ins of the dev host and local mode; infra/bicep never deploys them.
LOCAL_ONLY_TABLES = ("devdirectory", "devhostreceipts", "devhostpoison")


@dataclass
class Storage:
    """Blob and table clients for one storage account, with an optional name prefix.

    The prefix exists so that tests share one Azurite yet never see each other's data.
    """

    blob_service: BlobServiceClient
    table_service: TableServiceClient
    prefix: str = ""

    def __post_init__(self) -> None:
        self._tables: dict[str, TableClient] = {}
        self._lock = threading.Lock()

    def container_name(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def container(self, name: str) -> ContainerClient:
        return self.blob_service.get_container_client(self.container_name(name))

    def table(self, name: str) -> TableClient:
        with self._lock:
            client = self._tables.get(name)
            if client is None:
                client = self.table_service.get_table_client(f"{self.prefix}{name}")
                self._tables[name] = client
            return client

    def ensure(self) -> None:
        """Create every container and table the app needs; safe to repeat."""
        for name in CONTAINERS:
            with contextlib.suppress(ResourceExistsError):
                self.container(name).create_container()
        for name in TABLES:
            self.table_service.create_table_if_not_exists(f"{self.prefix}{name}")


def connect(settings: Settings, credential: TokenCredential | None = None) -> Storage:
    """Clients for the configured account; in Azure, `credential` defaults to the app's managed identity."""
    if settings.storage_connection:
        blobs = BlobServiceClient.from_connection_string(settings.storage_connection)
        tables = TableServiceClient.from_connection_string(settings.storage_connection)
    elif settings.storage_account_url:
        if credential is None:
            from azure.identity import ManagedIdentityCredential

            credential = ManagedIdentityCredential()
        account = settings.storage_account_url.rstrip("/")
        blobs = BlobServiceClient(account.replace(".table.", ".blob."), credential=credential)
        tables = TableServiceClient(account.replace(".blob.", ".table."), credential=credential)
    else:
        raise RuntimeError("no storage configured: set AzureWebJobsStorage or PORTAL_STORAGE_ACCOUNT_URL")
    return Storage(blob_service=blobs, table_service=tables, prefix=settings.storage_prefix)
