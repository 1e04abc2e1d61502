"""E-mail syntax by a well-kept validator (email-validator), never by DNS: the form must not
depend on the network, and a look-up would tell an attacker nothing we want to share."""

from __future__ import annotations


def normalise_email(address: str) -> str | None:
    """The normalised address (domain lower-cased, IDN as Unicode), or None when it is not valid."""
    from email_validator import EmailNotValidError, validate_email  # at first use (cold start)

    try:
        result = validate_email(address, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return None
    return str(result.normalized)
