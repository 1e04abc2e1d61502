"""Signed double-submit tokens: only the field computed for this cookie, with our key, passes."""

from __future__ import annotations

import pytest

from shared.settings import Settings
from web import form_tokens
from web.problems import ServiceUnavailable

KEY = b"k" * 32


def test_the_field_for_this_cookie_passes() -> None:
    cookie = form_tokens.new_cookie_value()
    field = form_tokens.field_token(KEY, cookie, "access-request")
    assert form_tokens.check(KEY, cookie, field, "access-request")


@pytest.mark.parametrize("case", ["other_cookie", "other_key", "other_purpose", "no_cookie", "no_field", "unicode"])
def test_everything_else_fails(case: str) -> None:
    cookie = form_tokens.new_cookie_value()
    field = form_tokens.field_token(KEY, cookie, "access-request")
    if case == "other_cookie":
        assert not form_tokens.check(KEY, form_tokens.new_cookie_value(), field, "access-request")
    elif case == "other_key":
        assert not form_tokens.check(b"x" * 32, cookie, field, "access-request")
    elif case == "other_purpose":
        assert not form_tokens.check(KEY, cookie, field, "advisor")
    elif case == "no_cookie":
        assert not form_tokens.check(KEY, None, field, "access-request")
    elif case == "no_field":
        assert not form_tokens.check(KEY, cookie, "", "access-request")
    else:
        assert not form_tokens.check(KEY, cookie, "ä" * 64, "access-request")


def test_key_from_setting_or_client_secret_or_per_process_locally_and_refused_without_any() -> None:
    configured = Settings(extra={"PORTAL_FORM_SECRET": "s3cret-from-key-vault"})
    assert form_tokens.form_key(configured) == form_tokens.form_key(configured)
    local = Settings(local_mode=True)
    assert form_tokens.form_key(local) != form_tokens.form_key(configured)
    assert len(form_tokens.form_key(local)) == 32
    derived = Settings(local_mode=False, client_secret="entra-client-secret")
    assert form_tokens.form_key(derived) == form_tokens.form_key(Settings(client_secret="entra-client-secret"))
    assert form_tokens.form_key(derived) not in {b"entra-client-secret", form_tokens.form_key(local)}
    with pytest.raises(ServiceUnavailable):
        form_tokens.form_key(Settings(local_mode=False))
