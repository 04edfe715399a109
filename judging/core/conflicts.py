"""Detection of conflicts of interest between judges and entries: pure rules, plain data in and out.

Four rules, strongest first (a pair that matches several is reported once, under the strongest):

- ``member``: the judge *is* one of the entrant organisation's people (same user account, or same email
  address as a member);
- ``same_organisation``: the judge's affiliation and the entrant organisation's name are equal once
  folded by ``normalise_name`` (case, accents, punctuation and legal suffixes such as "Ltd" ignored);
- ``email_domain``: the judge's email domain belongs to the same registrable domain as a member's email
  or the organisation's website (``mail.acme.co.uk`` and ``www.acme.co.uk`` match). Public webmail
  (``PUBLIC_WEBMAIL_DOMAINS`` and every country domain of ``PUBLIC_WEBMAIL_PROVIDERS``) and shared website
  hosts (``SHARED_WEBSITE_HOSTS``: social networks, blog and site builders) say nothing about an
  employer, so they never match;
- ``same_country``: only when the challenge asks for it, the judge's country equals the organisation's.

The registrable domain is found without a public-suffix list: the last two labels, or the last three
when the name ends in a two-letter country code preceded by a generic second level (``co.uk``,
``ac.ke``, ``com.br``...). That covers the domains organisations really use; an exotic suffix at worst
makes the rule stricter (no match), never looser.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from judging.core.text import normalise_name

PUBLIC_WEBMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "ymail.com",
    "rocketmail.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "protonmail.ch",
    "pm.me", "tutanota.com", "tuta.io", "mail.ru", "inbox.ru", "list.ru", "bk.ru", "yandex.ru",
    "yandex.com", "ya.ru", "rambler.ru", "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net",
    "sina.com", "sohu.com", "aliyun.com", "aol.com", "zoho.com", "zohomail.com", "mail.com", "email.com",
    "fastmail.com", "hushmail.com", "web.de", "t-online.de", "freenet.de", "orange.fr", "laposte.net",
    "free.fr", "sfr.fr", "wanadoo.fr", "libero.it", "virgilio.it", "naver.com", "daum.net",
    "hanmail.net", "rediffmail.com", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "abv.bg", "ukr.net",
    "bigpond.com", "btinternet.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
})  # fmt: skip
"""Free mail services: anyone can have an address there, so a shared domain means nothing."""

PUBLIC_WEBMAIL_PROVIDERS = frozenset({"yahoo", "gmx", "hotmail", "outlook", "live", "aol", "yandex"})
"""Free mail services with one domain per country (``yahoo.co.uk``, ``gmx.de``, ``hotmail.fr``...)."""

SHARED_WEBSITE_HOSTS = frozenset({
    "facebook.com", "fb.com", "instagram.com", "linkedin.com", "twitter.com", "x.com", "tiktok.com",
    "youtube.com", "medium.com", "substack.com", "github.com", "github.io", "gitlab.io", "google.com",
    "wordpress.com", "blogspot.com", "wixsite.com", "wix.com", "squarespace.com", "weebly.com",
    "webflow.io", "notion.site", "carrd.co", "linktr.ee", "business.site", "godaddysites.com",
    "canva.site", "netlify.app", "vercel.app", "herokuapp.com", "site123.me", "jimdo.com", "jimdofree.com",
})  # fmt: skip
"""Website hosts shared by many unrelated owners: an organisation's page there says nothing of a domain."""

_GENERIC_SECOND_LEVEL = frozenset(
    {
        "co",
        "com",
        "ac",
        "edu",
        "org",
        "net",
        "gov",
        "go",
        "gob",
        "or",
        "ne",
        "mil",
        "nic",
        "ltd",
        "plc",
        "sch",
    }
)


class Rule(enum.Enum):
    """Why a pair was detected; the values are those of the stored conflict reasons."""

    MEMBER = "member"
    SAME_ORGANISATION = "same_organisation"
    EMAIL_DOMAIN = "email_domain"
    SAME_COUNTRY = "same_country"


@dataclass(frozen=True)
class JudgeFacts:
    """What detection knows of a judge."""

    id: int
    email: str
    affiliation: str | None = None
    country: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class EntryFacts:
    """What detection knows of an entry: its organisation's name, country, website and people."""

    id: int
    organisation: str
    country: str | None = None
    website: str | None = None
    member_emails: tuple[str, ...] = ()
    member_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Finding:
    """A detected pair: ``rule`` is the strongest rule it matched, ``rules`` every rule it matched."""

    judge_id: int
    entry_id: int
    rule: Rule
    rules: tuple[Rule, ...]


def email_domain(address: str | None) -> str | None:
    """The lower-case domain of an email address, or None when there is none."""
    if not address or "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().strip(".").lower()
    return domain or None


def website_host(url: str | None) -> str | None:
    """The lower-case host of a website address, with or without its scheme."""
    if not url or not url.strip():
        return None
    text = url.strip()
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.strip(".").lower() if host else None


def registrable_domain(domain: str) -> str:
    """``mail.acme.co.uk`` → ``acme.co.uk``; ``www.acme.com`` → ``acme.com`` (see the module's note)."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def is_public_webmail(domain: str) -> bool:
    """Whether addresses at ``domain`` say nothing about the owner's employer."""
    domain = domain.lower().strip(".")
    base = registrable_domain(domain)
    if domain in PUBLIC_WEBMAIL_DOMAINS or base in PUBLIC_WEBMAIL_DOMAINS:
        return True
    return base.split(".")[0] in PUBLIC_WEBMAIL_PROVIDERS


def telling_domain(domain: str | None, *, website: bool = False) -> str | None:
    """The registrable domain to compare, or None when the domain says nothing about an organisation."""
    if not domain or "." not in domain:
        return None
    base = registrable_domain(domain)
    if is_public_webmail(domain):
        return None
    if website and (base in SHARED_WEBSITE_HOSTS or domain in SHARED_WEBSITE_HOSTS):
        return None
    return base


def entry_domains(entry: EntryFacts) -> set[str]:
    """The registrable domains that identify the entry's organisation (members' mail and website)."""
    domains = {telling_domain(email_domain(address)) for address in entry.member_emails}
    domains.add(telling_domain(website_host(entry.website), website=True))
    domains.discard(None)
    return domains  # type: ignore[return-value]


def detect(
    judges: Iterable[JudgeFacts],
    entries: Iterable[EntryFacts],
    *,
    same_country: bool = False,
    skip: frozenset[tuple[int, int]] = frozenset(),
) -> tuple[Finding, ...]:
    """Every (judge, entry) pair that one of the rules matches, once each, ordered by judge then entry.

    ``skip`` holds pairs not to report (those that already have a conflict, active or removed). Entries
    are indexed by name, domain, member and country, so the work grows with judges plus entries plus
    findings, not with their product.
    """
    by_name: dict[str, set[int]] = defaultdict(set)
    by_domain: dict[str, set[int]] = defaultdict(set)
    by_member_id: dict[int, set[int]] = defaultdict(set)
    by_member_email: dict[str, set[int]] = defaultdict(set)
    by_country: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if name := normalise_name(entry.organisation or ""):
            by_name[name].add(entry.id)
        for domain in entry_domains(entry):
            by_domain[domain].add(entry.id)
        for member_id in entry.member_ids:
            by_member_id[member_id].add(entry.id)
        for address in entry.member_emails:
            by_member_email[address.strip().casefold()].add(entry.id)
        if entry.country:
            by_country[entry.country.upper()].add(entry.id)

    findings: list[Finding] = []
    for judge in sorted(judges, key=lambda judge: judge.id):
        matched: dict[int, list[Rule]] = defaultdict(list)
        members = set(by_member_email.get(judge.email.strip().casefold(), ()))
        if judge.user_id is not None:
            members |= by_member_id.get(judge.user_id, set())
        candidates = [
            (Rule.MEMBER, members),
            (Rule.SAME_ORGANISATION, by_name.get(normalise_name(judge.affiliation or ""), set())),
            (Rule.EMAIL_DOMAIN, by_domain.get(telling_domain(email_domain(judge.email)) or "", set())),
        ]
        if same_country and judge.country:
            candidates.append((Rule.SAME_COUNTRY, by_country.get(judge.country.upper(), set())))
        for rule, entry_ids in candidates:
            for entry_id in entry_ids:
                matched[entry_id].append(rule)
        for entry_id in sorted(matched):
            if (judge.id, entry_id) in skip:
                continue
            rules = tuple(matched[entry_id])
            findings.append(Finding(judge.id, entry_id, rules[0], rules))
    return tuple(findings)
