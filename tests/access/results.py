"""Who reads published results (blueprint ``results``).

Before publication both pages are 404 for everyone, organisers included (anonymous visitors are sent
to sign in for the entry page). Once published, the results page is public, and an entry's outcome and
feedback are for the members of its organisation only (404 for everyone else, organisers included).
"""

from __future__ import annotations

from tests.access.publication import publish_world
from tests.access.rules import Rule, every, signed_in
from tests.factories import World


def _entry(world: World) -> str:
    return f"/entries/{world.submission_a.id}/results"


def _published_entry(world: World) -> str:
    publish_world(world)
    return _entry(world)


def _published_results(world: World) -> str:
    publish_world(world)
    return "/challenges/sme-awards/results"


RULES = [
    Rule(
        "results.public", "GET", lambda w: "/challenges/sme-awards/results", every(404), note="-unpublished"
    ),
    Rule("results.public", "GET", _published_results, every(200)),
    Rule("results.public", "GET", lambda w: "/challenges/no-such-call/results", every(404), note="-missing"),
    Rule("results.entry", "GET", _entry, signed_in(404), note="-unpublished"),
    Rule("results.entry", "GET", _published_entry, signed_in(404, entrant_a=200)),
    Rule(
        "results.entry",
        "GET",
        lambda w: f"/entries/{w.draft_a.id}/results",
        signed_in(404),
        note="-unpublished-draft",
    ),
]
