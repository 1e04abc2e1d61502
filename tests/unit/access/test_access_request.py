"""The form's rules (SPEC 5): every field code, aliases, normalisation, the honeypot."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.mail.email_syntax import normalise_email
from shared.domain.access_request import (
    InvalidForm,
    dedupe_key,
    new_token,
    plausible_token,
    token_hash,
    valid_person_name,
    validate,
)


def raw(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "company_name": "Muster Bau AG",
        "customer_number": "100200",
        "first_name": "Anna",
        "last_name": "Muster",
        "email": "anna.muster@muster-bau.ch",
        "phone": "",
        "lines": ["IJM"],
        "language": "de",
        "consent": True,
        "website": "",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def errors_of(**changes: Any) -> dict[str, str]:
    with pytest.raises(InvalidForm) as caught:
        validate(raw(**changes), default_language="de", normalise_email=normalise_email)
    return caught.value.errors


def ok(**changes: Any):  # type: ignore[no-untyped-def]
    return validate(raw(**changes), default_language="fr", normalise_email=normalise_email)


def test_valid_input_is_normalised() -> None:
    form = ok(
        email="Anna.Muster@Muster-Bau.CH",
        first_name="  Anna   Maria ",
        lines=["ktg", "LAINF-C", "UVG-Z"],
        consent="on",
        language="",
    )
    assert form.email == "Anna.Muster@muster-bau.ch"
    assert form.first_name == "Anna Maria"
    assert form.lines == ("IJM", "LAAC")
    assert form.language == "fr"  # the page's language when none is chosen
    assert form.consent and not form.honeypot_filled


@pytest.mark.parametrize("lines", ["IJM,LAA", "laa", ["UVG", "IGM"], ["LAAC-Z"]])
def test_lines_accept_codes_aliases_and_a_comma_list(lines: Any) -> None:
    assert ok(lines=lines).lines


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"company_name": ""}, {"company_name": "required"}),
        ({"company_name": "A" * 201}, {"company_name": "too_long"}),
        ({"company_name": "A\u200bB"}, {"company_name": "invalid"}),
        ({"company_name": ["Muster"]}, {"company_name": "invalid"}),
        ({"customer_number": "١٢٣٤٥"}, {"customer_number": "invalid"}),
        ({"customer_number": ""}, {"customer_number": "required"}),
        ({"first_name": "Anna!"}, {"first_name": "invalid"}),
        ({"first_name": "---"}, {"first_name": "invalid"}),
        ({"last_name": ""}, {"last_name": "required"}),
        ({"email": ""}, {"email": "required"}),
        ({"email": "anna@muster-bau"}, {"email": "email_invalid"}),
        ({"email": "anna muster@muster-bau.ch"}, {"email": "email_invalid"}),
        ({"email": "anna@localhost"}, {"email": "email_invalid"}),
        ({"email": "x" * 255}, {"email": "too_long"}),
        ({"email": "Sekretariat@muster-bau.ch"}, {"email": "email_generic_mailbox"}),
        ({"email": "anna@outlook.fr"}, {"email": "email_private_domain"}),
        ({"phone": "12"}, {"phone": "invalid"}),
        ({"phone": "+41 44 123 45 67 ext 9"}, {"phone": "invalid"}),
        ({"phone": "1" * 41}, {"phone": "too_long"}),
        ({"lines": []}, {"lines": "required"}),
        ({"lines": ""}, {"lines": "required"}),
        ({"lines": [","]}, {"lines": "required"}),
        ({"lines": ["IJM", "NOPE"]}, {"lines": "invalid"}),
        ({"lines": [1, 2]}, {"lines": "invalid"}),
        ({"lines": ["IJM"] * 40}, {"lines": "too_long"}),
        ({"language": "rm"}, {"language": "invalid"}),
        ({"language": 3}, {"language": "invalid"}),
        ({"consent": False}, {"consent": "required"}),
        ({"consent": "no"}, {"consent": "required"}),
        ({"consent": None}, {"consent": "required"}),
    ],
)
def test_every_field_code(changes: dict[str, Any], expected: dict[str, str]) -> None:
    assert errors_of(**changes) == expected


def test_phone_is_optional_and_accepts_swiss_formats() -> None:
    assert ok(phone=None).phone == ""
    assert ok(phone="+41 (0)44 123 45 67").phone == "+41 (0)44 123 45 67"
    assert ok(phone="044/123.45.67").phone


@pytest.mark.parametrize("name", ["Zoë", "Jean-Luc", "D'Alessandro", "Ørsted", "Müller Lüdenscheidt", "Ἀθηνᾶ"])
def test_names_letters_spaces_hyphen_apostrophe(name: str) -> None:
    assert valid_person_name(name)
    assert ok(first_name=name).first_name == name


@pytest.mark.parametrize("name", ["Anna1", "Anna_B", "<b>", "Anna\u2019s", "Anna.", "@"])
def test_names_refuse_everything_else(name: str) -> None:
    assert not valid_person_name(name)


@pytest.mark.parametrize("value", ["http://spam", "x", 1, True])
def test_honeypot_filled(value: Any) -> None:
    assert ok(website=value).honeypot_filled


@pytest.mark.parametrize("value", ["", "   ", None])
def test_honeypot_empty(value: Any) -> None:
    assert not ok(website=value).honeypot_filled


def test_tokens_are_random_plausible_and_stored_as_hash() -> None:
    one, two = new_token(), new_token()
    assert one != two and plausible_token(one) and len(one) == 43
    assert not plausible_token(one[:-1]) and not plausible_token(one + "=") and not plausible_token("../" + one[3:])
    assert token_hash(one) != one and len(token_hash(one)) == 64


def test_dedupe_key_ignores_the_address_case_but_not_the_company() -> None:
    assert dedupe_key("Anna@Muster.ch", "1234") == dedupe_key("anna@muster.ch", "1234")
    assert dedupe_key("anna@muster.ch", "1234") != dedupe_key("anna@muster.ch", "12345")
