"""Signing download links: a read-only SAS for exactly one blob.

Locally Azurite's account key signs (the emulator has no identity). In Azure shared-key
access is off, so links are signed with a user delegation key obtained through the
managed identity; the key is cached and renewed shortly before it expires, because asking
for one per link would add a storage round trip to every download.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from azure.storage.blob import (
    BlobSasPermissions,
    BlobServiceClient,
    UserDelegationKey,
    generate_blob_sas,
)

from shared.clock import Clock
from shared.domain.issued_links import SignedLink

# A user delegation key lives this long; Azure allows up to 7 days.
KEY_LIFETIME = timedelta(hours=6)
# Renew when less than this remains, so no link outlives the key that signed it.
KEY_RENEW_MARGIN = timedelta(minutes=30)


def _blob_url(service: BlobServiceClient, container: str, blob_name: str) -> str:
    return str(service.get_blob_client(container, blob_name).url)


class AccountKeySigner:
    """Signs with the account key (Azurite only: in Azure shared-key access is disabled)."""

    def __init__(self, service: BlobServiceClient, account_key: str, *, https_only: bool) -> None:
        self.service = service
        self.account_key = account_key
        self.protocol = "https" if https_only else None

    def sign(
        self,
        container: str,
        blob_name: str,
        *,
        starts_at: datetime,
        expires_at: datetime,
        content_type: str,
        content_disposition: str,
    ) -> SignedLink:
        token = generate_blob_sas(
            account_name=str(self.service.account_name),
            container_name=container,
            blob_name=blob_name,
            account_key=self.account_key,
            permission=BlobSasPermissions(read=True),
            start=starts_at,
            expiry=expires_at,
            protocol=self.protocol,
            content_type=content_type,
            content_disposition=content_disposition,
        )
        return SignedLink(f"{_blob_url(self.service, container, blob_name)}?{token}", starts_at, expires_at)


class UserDelegationSigner:
    """Signs with a user delegation key from the app's identity, cached until near expiry."""

    def __init__(self, service: BlobServiceClient, clock: Clock, *, https_only: bool = True) -> None:
        self.service = service
        self.clock = clock
        self.protocol = "https" if https_only else None
        self._lock = threading.Lock()
        self._key: UserDelegationKey | None = None
        self._key_expires: datetime | None = None
        self.key_fetches = 0  # visible so tests and the benchmark can see the cache work

    def _delegation_key(self, needed_until: datetime) -> UserDelegationKey:
        with self._lock:
            now = self.clock.now()
            if (
                self._key is None
                or self._key_expires is None
                or self._key_expires - KEY_RENEW_MARGIN < needed_until
            ):
                start = now - timedelta(minutes=5)
                expiry = now + KEY_LIFETIME
                self._key = self.service.get_user_delegation_key(start, expiry)
                self._key_expires = expiry
                self.key_fetches += 1
            return self._key

    def sign(
        self,
        container: str,
        blob_name: str,
        *,
        starts_at: datetime,
        expires_at: datetime,
        content_type: str,
        content_disposition: str,
    ) -> SignedLink:
        key = self._delegation_key(expires_at)
        token = generate_blob_sas(
            account_name=str(self.service.account_name),
            container_name=container,
            blob_name=blob_name,
            user_delegation_key=key,
            permission=BlobSasPermissions(read=True),
            start=starts_at,
            expiry=expires_at,
            protocol=self.protocol,
            content_type=content_type,
            content_disposition=content_disposition,
        )
        return SignedLink(f"{_blob_url(self.service, container, blob_name)}?{token}", starts_at, expires_at)


def signer_for(
    service: BlobServiceClient, clock: Clock, *, local_mode: bool
) -> AccountKeySigner | UserDelegationSigner:
    """Account key where the client holds one and we run locally; a delegation key otherwise."""
    credential: Any = service.credential
    account_key = getattr(credential, "account_key", None)
    if local_mode and account_key:
        return AccountKeySigner(service, str(account_key), https_only=False)
    return UserDelegationSigner(service, clock, https_only=not local_mode)
