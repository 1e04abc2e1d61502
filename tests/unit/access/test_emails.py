"""The personal-address rule (SPEC 2) over the shipped lists: role mailboxes and private domains."""

from __future__ import annotations

import pytest

from shared.domain.emails import (
    DATA,
    GENERIC_MAILBOX,
    PRIVATE_DOMAIN,
    EmailPolicy,
    default_policy,
    email_fingerprint,
    is_private_domain,
    is_role_mailbox,
    personal_address_problem,
)


@pytest.mark.parametrize(
    "local",
    ["info", "contact", "office", "admin", "hr", "kontakt", "mail", "support", "buchhaltung", "personal",
     "sekretariat", "empfang", "reception", "noreply", "INFO", "Kontakt", "info+jobs", "secrétariat"],
)
def test_role_mailboxes_of_the_spec_are_refused_in_any_case(local: str) -> None:
    assert personal_address_problem(f"{local}@muster-bau.ch") == GENERIC_MAILBOX


@pytest.mark.parametrize("local", ["anna.muster", "info.anna", "hr.mueller", "annainfo", "a.hr"])
def test_personal_local_parts_pass(local: str) -> None:
    assert personal_address_problem(f"{local}@muster-bau.ch") is None


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com", "googlemail.com", "msn.com", "icloud.com", "me.com", "web.de", "bluewin.ch", "sunrise.ch",
        "hispeed.ch", "proton.me",
        # wildcard entries: any top-level domain, optionally behind co/com
        "hotmail.com", "hotmail.ch", "hotmail.co.uk", "outlook.com", "outlook.de", "live.com", "live.ch",
        "yahoo.com", "yahoo.com.br", "gmx.ch", "gmx.net", "protonmail.com", "protonmail.ch",
        # upper case and subdomains
        "GMAIL.COM", "Hotmail.CH", "mail.bluewin.ch", "eu.gmx.net", "mail.yahoo.co.uk",
    ],
)
def test_private_and_free_mail_domains_are_refused(domain: str) -> None:
    assert personal_address_problem(f"anna.muster@{domain}") == PRIVATE_DOMAIN


@pytest.mark.parametrize(
    "domain",
    ["muster-bau.ch", "notgmail.com", "gmail.com.muster-bau.ch", "hotmail.muster-bau.ch", "outlookfirma.ch",
     "live-events.ch", "bluewin-partner.ch"],
)
def test_company_domains_that_merely_look_alike_pass(domain: str) -> None:
    assert personal_address_problem(f"anna.muster@{domain}") is None


def test_role_mailbox_is_named_before_private_domain() -> None:
    assert personal_address_problem("info@gmail.com") == GENERIC_MAILBOX


def test_shipped_lists_are_clean_lower_case_entries() -> None:
    for name in ("role_mailboxes.txt", "private_domains.txt"):
        for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
            entry = raw.split("#")[0].strip()
            if entry:
                assert entry == entry.lower() and " " not in entry and "@" not in entry, (name, raw)
    policy = default_policy()
    assert {"info", "hr", "noreply", "buchhaltung"} <= policy.role_mailboxes
    assert {"gmail.com", "bluewin.ch"} <= policy.domains
    assert {"hotmail", "outlook", "yahoo", "gmx", "live", "protonmail"} <= policy.wildcard_names


def test_a_policy_can_be_built_from_other_lists() -> None:
    policy = EmailPolicy.from_lines(["Team  # shared"], ["# comment", "Example-Mail.ch", "freemail.*"])
    assert is_role_mailbox("team", policy)
    assert is_private_domain("sub.example-mail.ch", policy)
    assert is_private_domain("freemail.de", policy)
    assert not is_private_domain("gmail.com", policy)


def test_fingerprint_is_stable_short_and_hides_the_address() -> None:
    one = email_fingerprint("Anna.Muster@muster-bau.ch")
    assert one == email_fingerprint(" anna.muster@MUSTER-BAU.CH ")
    assert len(one) == 16 and "anna" not in one
    assert one != email_fingerprint("anna.muster@muster-bau.com")
