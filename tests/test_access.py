"""Every route, every role: the outcome must match the table in ``tests/access/``.

A route added without a rule for each of its methods makes ``test_every_route_has_a_rule`` fail.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.access
from judging import create_app
from tests.access.rules import LOGIN, Rule
from tests.factories import ROLES, login

SKIPPED_ENDPOINTS = {"static"}


def _all_rules() -> list[Rule]:
    rules: list[Rule] = []
    for module in pkgutil.iter_modules(tests.access.__path__):
        if module.name == "rules":
            continue
        rules.extend(importlib.import_module(f"tests.access.{module.name}").RULES)
    return rules


RULES = _all_rules()


def test_every_route_has_a_rule(_app):
    covered = {(rule.endpoint, rule.method) for rule in RULES}
    missing = []
    for url_rule in _app.url_map.iter_rules():
        if url_rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (url_rule.endpoint, method) not in covered:
                missing.append(f"{method} {url_rule.rule} ({url_rule.endpoint})")
    assert missing == []


def test_no_rule_names_a_missing_route():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    endpoints = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods or ()
    }
    assert [
        (rule.endpoint, rule.method) for rule in RULES if (rule.endpoint, rule.method) not in endpoints
    ] == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.method}-{rule.endpoint}{rule.note}")
def test_route_access(client, world, rule: Rule, role: str):
    login(client, world.user(role))
    url = rule.url(world)
    if rule.method == "GET":
        response = client.get(url)
    else:
        response = client.open(url, method=rule.method, data=rule.data(world))
    expected = rule.expect[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]
