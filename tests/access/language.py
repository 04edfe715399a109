"""Who may choose the language: everyone, signed in or not (the choice sends them back where they were)."""

from __future__ import annotations

from tests.access.rules import Rule, every

RULES = [
    Rule(
        "language.choose",
        "POST",
        lambda w: "/language",
        every(302),
        data=lambda w: {"lang": "fr", "next": f"/challenges/{w.challenge.slug}"},
    ),
]
