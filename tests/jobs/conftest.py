"""Test job kinds, registered for the duration of a test."""

from __future__ import annotations

import pytest

from judging.jobs import registry


@pytest.fixture
def kinds(monkeypatch):
    for name in ("count", "refuse", "crash", "flaky", "die_once"):
        monkeypatch.setitem(registry.KINDS, f"test.{name}", registry.Kind(f"tests.jobs.tasks:{name}", name))
