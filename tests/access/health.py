"""Who may read the health check: everyone, signed in or not (monitors sign in as no one)."""

from __future__ import annotations

from tests.access.rules import Rule, every

RULES = [
    Rule("health.healthz", "GET", lambda w: "/healthz", every(200)),
]
