"""Eligibility of an organisation's entry against a challenge's policy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    max_employees: int | None = None
    allowed_countries: frozenset[str] = frozenset()
    max_entries_per_organisation: int | None = None


@dataclass(frozen=True)
class Applicant:
    employees: int
    country: str
    other_entries: int  # the organisation's other submitted (not withdrawn) entries in the challenge


@dataclass(frozen=True)
class Refusal:
    """Why an entry is not eligible: a code for logic and values for the message."""

    code: str  # "employees" | "country" | "entries"
    limit: object
    actual: object


def refusals(policy: Policy, applicant: Applicant) -> list[Refusal]:
    """Every rule of ``policy`` that ``applicant`` breaks, in a fixed order; empty when eligible."""
    found: list[Refusal] = []
    if policy.max_employees is not None and applicant.employees > policy.max_employees:
        found.append(Refusal("employees", policy.max_employees, applicant.employees))
    if policy.allowed_countries and applicant.country not in policy.allowed_countries:
        found.append(Refusal("country", sorted(policy.allowed_countries), applicant.country))
    limit = policy.max_entries_per_organisation
    if limit is not None and applicant.other_entries >= limit:
        found.append(Refusal("entries", limit, applicant.other_entries))
    return found
