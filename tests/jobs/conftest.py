"""Test job kinds, registered for the duration of a test."""

from __future__ import annotations

import pytest

from judging.jobs import registry


@pytest.fixture
def kinds(monkeypatch):
    for name in ("count", "refuse", "crash", "flaky", "die_once", "block"):
        monkeypatch.setitem(registry.KINDS, f"test.{name}", registry.Kind(f"tests.jobs.tasks:{name}", name))
    quick = registry.Kind("tests.jobs.tasks:count", "quick count", quick=True)
    monkeypatch.setitem(registry.KINDS, "test.quick", quick)
