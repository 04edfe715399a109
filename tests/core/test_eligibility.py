"""Eligibility refusals: organisation size, country and the number of entries per organisation."""

from __future__ import annotations

from judging.core.eligibility import Applicant, Policy, Refusal, refusals

SME = Applicant(employees=40, country="KE", other_entries=0)


def test_eligibility_no_policy_refuses_nobody():
    assert refusals(Policy(), Applicant(employees=10_000, country="US", other_entries=99)) == []


def test_eligibility_exactly_the_maximum_employees_is_accepted():
    assert refusals(Policy(max_employees=40), SME) == []


def test_eligibility_one_employee_too_many_is_refused():
    assert refusals(Policy(max_employees=39), SME) == [Refusal("employees", 39, 40)]


def test_eligibility_country_outside_the_list_is_refused_with_the_list_sorted():
    policy = Policy(allowed_countries=frozenset({"PE", "NG"}))
    assert refusals(policy, SME) == [Refusal("country", ["NG", "PE"], "KE")]


def test_eligibility_country_in_the_list_is_accepted():
    assert refusals(Policy(allowed_countries=frozenset({"KE", "NG"})), SME) == []


def test_eligibility_entry_limit_counts_the_other_entries():
    policy = Policy(max_entries_per_organisation=2)
    assert refusals(policy, Applicant(employees=5, country="KE", other_entries=1)) == []
    assert refusals(policy, Applicant(employees=5, country="KE", other_entries=2)) == [
        Refusal("entries", 2, 2)
    ]


def test_eligibility_every_broken_rule_is_listed_in_a_fixed_order():
    policy = Policy(max_employees=10, allowed_countries=frozenset({"FR"}), max_entries_per_organisation=1)
    found = refusals(policy, Applicant(employees=250, country="BR", other_entries=3))
    assert [refusal.code for refusal in found] == ["employees", "country", "entries"]
