"""The personal-address rule of SPEC 2: no role mailboxes, no private or free-mail domains.

The lists are maintained as data files (`shared/data/*.txt`) so operations can extend them
without touching code; the rule itself is plain string logic over an already
syntax-checked, lower-cased address.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

DATA: Final = Path(__file__).resolve().parent.parent / "data"

GENERIC_MAILBOX: Final = "email_generic_mailbox"
PRIVATE_DOMAIN: Final = "email_private_domain"
CONFUSABLE: Final = "email_confusable"

# Letters of other scripts that look like Latin ones (Unicode's confusables for the scripts an
# attacker would reach for). A label made only of these and ASCII reads as a Latin word.
_LOOKALIKES: Final = frozenset(
    "аеорсухіјѕԁԛԝһӏвкмнтьгпАВЕКМНОРСТУХІЈЅԀԚԜҺӀ"  # Cyrillic
    "αβεικνορτυχγηωΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"  # Greek
)
# A wildcard entry `name.*` stands for `name` under a top-level domain, optionally behind
# one of these common second levels (hotmail.co.uk, yahoo.com.br).
_SECOND_LEVELS: Final = frozenset({"co", "com", "net", "org"})


@dataclass(frozen=True)
class EmailPolicy:
    """The maintained lists: exact role local parts, domains (with subdomains), wildcard names."""

    role_mailboxes: frozenset[str]
    domains: frozenset[str]
    wildcard_names: frozenset[str]

    @classmethod
    def from_lines(cls, roles: list[str], domains: list[str]) -> EmailPolicy:
        exact: set[str] = set()
        wild: set[str] = set()
        for entry in _entries(domains):
            if entry.endswith(".*"):
                wild.add(entry[:-2])
            else:
                exact.add(entry)
        return cls(frozenset(_entries(roles)), frozenset(exact), frozenset(wild))


def _entries(lines: list[str]) -> list[str]:
    return [s for s in (line.split("#")[0].strip().casefold() for line in lines) if s]


@functools.cache
def default_policy() -> EmailPolicy:
    """The lists shipped with the app (read once per process)."""
    roles = (DATA / "role_mailboxes.txt").read_text(encoding="utf-8").splitlines()
    domains = (DATA / "private_domains.txt").read_text(encoding="utf-8").splitlines()
    return EmailPolicy.from_lines(roles, domains)


def is_role_mailbox(local_part: str, policy: EmailPolicy) -> bool:
    """`info@`, `Info+jobs@`, `INFO@` all count; `anna.info@` does not."""
    base = local_part.casefold().split("+", 1)[0]
    return base in policy.role_mailboxes


def is_private_domain(domain: str, policy: EmailPolicy) -> bool:
    """Exact entries cover their subdomains; `name.*` covers name.<tld> and name.<co|com…>.<tld>."""
    labels = domain.casefold().rstrip(".").split(".")
    for start in range(len(labels)):
        if ".".join(labels[start:]) in policy.domains:
            return True
        if labels[start] in policy.wildcard_names:
            rest = labels[start + 1 :]
            if len(rest) == 1 or (len(rest) == 2 and rest[0] in _SECOND_LEVELS):
                return True
    return False


def _script(char: str) -> str:
    """The script of a letter by its Unicode name (LATIN, CYRILLIC, GREEK, …); '' otherwise."""
    if not char.isalpha():
        return ""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def is_confusable(email: str) -> bool:
    """An address that could pass for another: a part (local part or domain label) mixing
    scripts (`info` with a Cyrillic i, `gmail` with a Cyrillic a), or written wholly in look-alike letters
    of another script. Accented Latin (`müller@zürich.ch`) and a genuine Cyrillic or Greek
    address are not confusable."""
    if email.isascii():
        return False
    local, _, domain = email.rpartition("@")
    for part in [local, *domain.split(".")]:
        normal = unicodedata.normalize("NFKC", part)
        scripts = {_script(c) for c in normal} - {""}
        if len(scripts) > 1:
            return True
        if scripts and scripts != {"LATIN"} and all(c.isascii() or c in _LOOKALIKES for c in normal):
            return True
        if any(unicodedata.category(c) == "Cf" for c in normal):  # invisible: zero-width joiners
            return True
    return False


def personal_address_problem(email: str, policy: EmailPolicy | None = None) -> str | None:
    """The refusal code for a syntactically valid address, or None when it is personal enough.
    Look-alikes come first: no other rule can be dodged with them."""
    policy = policy or default_policy()
    if is_confusable(email):
        return CONFUSABLE
    local, _, domain = email.rpartition("@")
    if is_role_mailbox(local, policy):
        return GENERIC_MAILBOX
    if is_private_domain(domain, policy):
        return PRIVATE_DOMAIN
    return None


def email_fingerprint(email: str) -> str:
    """A stable, non-reversible short id for logs and keys: personal data never goes into logs."""
    return hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()[:16]
