"""The one error table (web/errors.py) names its exceptions by dotted name so `web.http` imports
no service at cold start (SPEC 7): a misspelt or moved class would silently answer 500, so every
key must resolve to an exception defined under that name, and the lookup must still go from the
most specific class to its family's base."""

from __future__ import annotations

import importlib

import pytest
from azure.core.exceptions import ResourceNotFoundError

from shared.domain.rate_limit import RateLimited
from shared.services import advisor_company, onboarding
from shared.services import documents as portal
from shared.services.bulk_download import ArchiveBusy, UnknownDocuments
from web.errors import TABLE, dotted_name, problem_for
from web.problems import Forbidden, HttpProblem


def resolve(name: str) -> object:
    """The object a dotted name names: the longest importable module prefix, then attributes."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            found = getattr(found, attr)
        return found
    raise ModuleNotFoundError(name)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_key_names_an_exception_defined_under_that_name(name: str) -> None:
    cls = resolve(name)
    assert isinstance(cls, type) and issubclass(cls, Exception), f"{name} is not an exception class"
    # Where it is defined, not a re-export: problem_for walks __mro__ by the defining module.
    assert dotted_name(cls) == name


def test_a_misspelt_key_does_not_resolve() -> None:
    with pytest.raises(AttributeError):
        resolve("shared.services.documents.NoGrants")


def test_the_most_specific_class_wins_over_its_family_base() -> None:
    unknown = problem_for(UnknownDocuments(["a", "b"]))
    assert unknown is not None and unknown.status == 422 and unknown.errors == {"ids": "unknown_document"}
    assert "2 of the documents" in unknown.detail
    no_grant = problem_for(portal.NoGrant())
    assert isinstance(no_grant, Forbidden)
    assert getattr(problem_for(onboarding.NotPending("rejected")), "status", None) == 409
    # Two services' DocumentNotFound are different classes with different answers.
    assert getattr(problem_for(portal.DocumentNotFound()), "detail", "") == "No such document or company."
    assert getattr(problem_for(advisor_company.DocumentNotFound()), "detail", "") == "No such document."


def test_a_family_member_nobody_mapped_falls_back_to_its_base() -> None:
    class NewPortalError(portal.PortalError):
        pass

    class NewOnboardingError(onboarding.OnboardingError):
        pass

    class SlowerRateLimit(RateLimited):
        pass

    for exc in (NewPortalError(), NewOnboardingError()):
        problem = problem_for(exc)
        assert type(problem) is HttpProblem and problem.status == 500
    limited = problem_for(SlowerRateLimit("login", 42))
    assert limited is not None and limited.status == 429 and limited.headers == {"Retry-After": "42"}
    # An SDK error below AzureError is storage not answering.
    assert getattr(problem_for(ResourceNotFoundError("gone")), "status", None) == 503


def test_retry_after_is_carried_and_problems_and_unknown_errors_pass_through() -> None:
    busy = problem_for(ArchiveBusy(7))
    assert busy is not None and busy.status == 429 and busy.headers == {"Retry-After": "7"}
    own = Forbidden("no")
    assert problem_for(own) is own
    assert problem_for(KeyError("bug")) is None
