"""The shape of an access rule (see ``tests/access/__init__.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.factories import ROLES, World

LOGIN = "login"  # a redirect to the sign-in page


@dataclass(frozen=True)
class Rule:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, int | str]
    data: Callable[[World], dict] = field(default=lambda world: {})
    note: str = ""

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"{self.endpoint} {self.method}: no expectation for {sorted(missing)}")


def every(outcome: int | str, **overrides: int | str) -> dict[str, int | str]:
    """The same outcome for every role, except those named."""
    expected: dict[str, int | str] = dict.fromkeys(ROLES, outcome)
    expected.update(overrides)
    return expected


def signed_in(outcome: int | str, **overrides: int | str) -> dict[str, int | str]:
    """Anonymous visitors are sent to sign in; every signed-in role gets ``outcome`` unless named."""
    return every(outcome, anonymous=LOGIN, **overrides)
