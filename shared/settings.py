"""Typed settings, read once from the environment (the Functions host puts app settings there).

Locally the dev host loads `local.settings.json` into the environment first, as the
Functions host does, so the app reads settings one way everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

AZURE_MARKERS = ("WEBSITE_SITE_NAME", "WEBSITE_INSTANCE_ID")
CLIENT_AUTH_MODES = ("managed_identity", "secret")


class SettingsError(ValueError):
    """A setting is missing or malformed; the app must not start half-configured."""


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"not a boolean: {value!r}")


@dataclass(frozen=True)
class Settings:
    storage_connection: str = ""
    storage_account_url: str = ""
    storage_prefix: str = ""
    local_mode: bool = False
    base_url: str = "http://127.0.0.1:7071"
    eligibility_threshold_chf: int = 250_000
    retention_days: int = 365
    expiry_warning_days: int = 30
    max_document_bytes: int = 20 * 1024 * 1024
    link_ttl_seconds: int = 300
    client_ip_header: str = ""
    rate_limit_email_per_hour: int = 5
    rate_limit_client_per_hour: int = 20
    verification_ttl_hours: int = 72
    unverified_ttl_days: int = 7
    consent_version: str = "2026-12"  # 2026-12: names the Entra guest account, links the privacy notice
    insurer_name: str = "Helvetia Muster Versicherungen"
    # The way to a person: on error pages, the "no access" page, the footer and at the end of every mail.
    contact_email: str = "kundenportal@versicherer.ch"
    contact_phone: str = "+41 58 000 00 00"
    imprint_url: str = "https://www.versicherer.ch/impressum"
    brand_colour: str = "#0b4f8a"
    default_advisor_email: str = "berater@versicherer.ch"
    tenant_id: str = ""
    client_id: str = ""
    # How the app registration proves itself to Entra: "managed_identity" (a client assertion
    # from the function app's identity, federated credential; no secret) or the fallback "secret".
    client_auth: str = "managed_identity"
    client_secret: str = ""
    # A user-assigned identity's client id; empty = the system-assigned identity.
    managed_identity_client_id: str = ""
    # HMAC key of the access form's CSRF token (a Key Vault reference in Azure; web/form_tokens.py).
    form_secret: str = ""
    authority_host: str = "https://login.microsoftonline.com"
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    mail_sender: str = ""
    mfa_claim: str = "acrs"
    mfa_value: str = "c1"
    session_idle_minutes: int = 30
    session_absolute_hours: int = 8
    retention_schedule: str = "0 30 2 * * *"
    refile_schedule: str = "0 */5 * * * *"
    refile_min_age_seconds: int = 180
    outbox_schedule: str = "0 * * * * *"
    # The daily quarantine summary for the document generator's team (docs/generator.md).
    quarantine_summary_to: str = ""
    quarantine_summary_language: str = "de"
    quarantine_summary_schedule: str = "0 0 6 * * *"
    # Notifications: how long a document unopened counts as "new", and the digest timer's
    # schedule (the host resolves `%PORTAL_DIGEST_SCHEDULE%` from the same app setting).
    new_days: int = 30
    digest_schedule: str = "0 0 6 * * *"
    zip_max_documents: int = 200
    zip_max_bytes: int = 500 * 1024 * 1024
    # Data minimisation periods (retention sweep); audit kept past its one-year immutability.
    quarantine_ttl_days: int = 90
    rejected_request_ttl_days: int = 90
    revoked_grant_ttl_days: int = 90
    outbox_ttl_days: int = 30
    audit_keep_days: int = 400
    retention_batch_size: int = 100
    extra: Mapping[str, str] = field(default_factory=dict)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


_INT_FIELDS = {
    "PORTAL_ELIGIBILITY_THRESHOLD_CHF": "eligibility_threshold_chf",
    "PORTAL_RETENTION_DAYS": "retention_days",
    "PORTAL_EXPIRY_WARNING_DAYS": "expiry_warning_days",
    "PORTAL_MAX_DOCUMENT_BYTES": "max_document_bytes",
    "PORTAL_LINK_TTL_SECONDS": "link_ttl_seconds",
    "PORTAL_RATE_LIMIT_EMAIL_PER_HOUR": "rate_limit_email_per_hour",
    "PORTAL_RATE_LIMIT_CLIENT_PER_HOUR": "rate_limit_client_per_hour",
    "PORTAL_VERIFICATION_TTL_HOURS": "verification_ttl_hours",
    "PORTAL_UNVERIFIED_TTL_DAYS": "unverified_ttl_days",
    "PORTAL_SESSION_IDLE_MINUTES": "session_idle_minutes",
    "PORTAL_SESSION_ABSOLUTE_HOURS": "session_absolute_hours",
    "PORTAL_REFILE_MIN_AGE_SECONDS": "refile_min_age_seconds",
    "PORTAL_ZIP_MAX_DOCUMENTS": "zip_max_documents",
    "PORTAL_ZIP_MAX_BYTES": "zip_max_bytes",
    "PORTAL_QUARANTINE_TTL_DAYS": "quarantine_ttl_days",
    "PORTAL_REJECTED_REQUEST_TTL_DAYS": "rejected_request_ttl_days",
    "PORTAL_REVOKED_GRANT_TTL_DAYS": "revoked_grant_ttl_days",
    "PORTAL_OUTBOX_TTL_DAYS": "outbox_ttl_days",
    "PORTAL_AUDIT_KEEP_DAYS": "audit_keep_days",
    "PORTAL_RETENTION_BATCH_SIZE": "retention_batch_size",
    "PORTAL_NEW_DAYS": "new_days",
}
_STR_FIELDS = {
    "AzureWebJobsStorage": "storage_connection",
    "PORTAL_STORAGE_ACCOUNT_URL": "storage_account_url",
    "PORTAL_STORAGE_PREFIX": "storage_prefix",
    "PORTAL_BASE_URL": "base_url",
    "PORTAL_CLIENT_IP_HEADER": "client_ip_header",
    "PORTAL_CONSENT_VERSION": "consent_version",
    "PORTAL_INSURER_NAME": "insurer_name",
    "PORTAL_CONTACT_EMAIL": "contact_email",
    "PORTAL_CONTACT_PHONE": "contact_phone",
    "PORTAL_IMPRINT_URL": "imprint_url",
    "PORTAL_BRAND_COLOUR": "brand_colour",
    "PORTAL_DEFAULT_ADVISOR_EMAIL": "default_advisor_email",
    "PORTAL_TENANT_ID": "tenant_id",
    "PORTAL_CLIENT_ID": "client_id",
    "PORTAL_CLIENT_AUTH": "client_auth",
    "PORTAL_CLIENT_SECRET": "client_secret",
    "PORTAL_MANAGED_IDENTITY_CLIENT_ID": "managed_identity_client_id",
    "PORTAL_FORM_SECRET": "form_secret",
    "PORTAL_AUTHORITY_HOST": "authority_host",
    "PORTAL_GRAPH_BASE_URL": "graph_base_url",
    "PORTAL_MAIL_SENDER": "mail_sender",
    "PORTAL_MFA_CLAIM": "mfa_claim",
    "PORTAL_MFA_VALUE": "mfa_value",
    "PORTAL_RETENTION_SCHEDULE": "retention_schedule",
    "PORTAL_REFILE_SCHEDULE": "refile_schedule",
    "PORTAL_OUTBOX_SCHEDULE": "outbox_schedule",
    "PORTAL_QUARANTINE_SUMMARY_TO": "quarantine_summary_to",
    "PORTAL_QUARANTINE_SUMMARY_LANGUAGE": "quarantine_summary_language",
    "PORTAL_QUARANTINE_SUMMARY_SCHEDULE": "quarantine_summary_schedule",
    "PORTAL_DIGEST_SCHEDULE": "digest_schedule",
}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from an environment mapping; refuse local mode inside Azure."""
    source = os.environ if env is None else env
    values: dict[str, Any] = {}
    for key, attr in _STR_FIELDS.items():
        if key in source:
            values[attr] = source[key]
    for key, attr in _INT_FIELDS.items():
        if key in source:
            try:
                values[attr] = int(source[key])
            except ValueError as exc:
                raise SettingsError(f"{key} must be a whole number") from exc
    local = _bool(source.get("PORTAL_LOCAL_MODE", "false"))
    if local and any(source.get(marker) for marker in AZURE_MARKERS):
        raise SettingsError("local mode is refused inside Azure (WEBSITE_SITE_NAME/WEBSITE_INSTANCE_ID set)")
    values["local_mode"] = local
    ttl = values.get("link_ttl_seconds", 300)
    if not 1 <= ttl <= 600:
        raise SettingsError("PORTAL_LINK_TTL_SECONDS must be between 1 and 600")
    auth = values.get("client_auth", "managed_identity")
    if auth not in CLIENT_AUTH_MODES:
        raise SettingsError("PORTAL_CLIENT_AUTH must be managed_identity or secret")
    if auth == "secret" and not values.get("client_secret"):
        raise SettingsError("PORTAL_CLIENT_AUTH=secret needs PORTAL_CLIENT_SECRET (a Key Vault reference)")
    values["extra"] = {k: v for k, v in source.items() if k.startswith("PORTAL_")}
    return Settings(**values)
