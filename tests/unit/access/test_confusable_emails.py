"""Look-alike addresses (SPEC 2, `email_confusable`): no rule can be dodged with them, and an
advisor never sees a domain that only looks like the company's."""

from __future__ import annotations

import pytest

from shared.adapters.mail.email_syntax import normalise_email
from shared.domain.emails import CONFUSABLE, is_confusable, personal_address_problem


@pytest.mark.parametrize(
    "address",
    [
        "\u0456nfo@muster-ag.ch",  # Cyrillic i (U+0456): passed the role-mailbox rule before
        "anna@gm\u0430il.com",  # Cyrillic a (U+0430): passed the free-mail rule before
        "anna@muster-\u0430g.ch",  # a domain that only looks like the company's
        "\u0430nna@muster-ag.ch",  # mixed local part
        "anna@\u0440\u0430\u0443\u0440\u0430l.com",  # Cyrillic look-alikes with a Latin l
        "anna@\u0441\u043e\u0440\u0435.ch",  # wholly Cyrillic, but every letter a look-alike ("cope")
        "\u03bfffice@muster-ag.ch",  # Greek omicron
        "anna@gma\u200dil.com",  # zero-width joiner
    ],
)
def test_look_alikes_are_refused_as_confusable(address: str) -> None:
    normalised = normalise_email(address)
    checked = normalised if normalised is not None else address
    assert is_confusable(checked)
    assert personal_address_problem(checked) == CONFUSABLE


@pytest.mark.parametrize(
    "address",
    ["anna.muster@muster-ag.ch", "jürg.müller@zürich-versicherung.ch", "zoë@société.fr", "иван@пример.рф"],
)
def test_genuine_addresses_are_not_confusable(address: str) -> None:
    assert not is_confusable(address)


def test_the_form_answers_the_field_code() -> None:
    from shared.domain.access_request import InvalidForm, validate

    raw = {
        "company_name": "Muster AG", "customer_number": "100001", "first_name": "Anna", "last_name": "Muster",
        "email": "\u0456nfo@muster-ag.ch", "lines": ["LAA"], "language": "de", "consent": True,
    }
    with pytest.raises(InvalidForm) as refused:
        validate(raw, default_language="de", normalise_email=normalise_email)
    assert refused.value.errors == {"email": CONFUSABLE}
