"""Access to the public challenge pages and the organisers' pages of a challenge.

``world.challenge`` (slug ``sme-awards``) is organised by ``organiser``; ``other_organiser`` organises a
different challenge and must get 404 on everything of this one. Creating challenges and naming organisers
is for administrators only. Entries sit in the first category, so the second one may be deleted.
"""

from __future__ import annotations

from tests.access.rules import Rule, every, signed_in
from tests.factories import World, make_question

BASE = "/manage/sme-awards"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _free_category(world: World) -> int:
    return world.challenge.categories[1].id


def _question(world: World) -> int:
    return make_question(world.challenge, "How many customers do you have?").id


RULES = [
    Rule("challenges.index", "GET", lambda w: "/", every(200)),
    Rule("challenges.challenge", "GET", lambda w: "/challenges/sme-awards", every(200)),
    Rule(
        "challenges.challenge",
        "GET",
        lambda w: "/challenges/unpublished",
        every(404, organiser=200, admin=200),
        note="-draft",
    ),
    Rule("challenges.challenge", "GET", lambda w: "/challenges/no-such-thing", every(404), note="-missing"),
    Rule(
        "manage.index",
        "GET",
        lambda w: "/manage/",
        signed_in(404, organiser=200, other_organiser=200, admin=200),
    ),
    Rule("manage.new", "GET", lambda w: "/manage/new", signed_in(404, admin=200)),
    Rule(
        "manage.new",
        "POST",
        lambda w: "/manage/new",
        signed_in(404, admin=302),
        data=lambda w: {"title": "Women in Tech Prize", "kind": "award", "timezone": "UTC", "organisers": ""},
    ),
    Rule("manage.overview", "GET", lambda w: f"{BASE}/", signed_in(404, **MANAGERS)),
    Rule(
        "manage.overview",
        "GET",
        lambda w: "/manage/unpublished/",
        signed_in(404, **MANAGERS),
        note="-draft",
    ),
    Rule("manage.edit", "GET", lambda w: f"{BASE}/edit", signed_in(404, **MANAGERS)),
    Rule(
        "manage.edit",
        "POST",
        lambda w: f"{BASE}/edit",
        every(404, anonymous=401, **MANAGERS),  # signed out: the typed texts kept (401)
        data=lambda w: {"title": "", "slug": "sme-awards"},
        note="-invalid",
    ),
    Rule("manage.organisers", "GET", lambda w: f"{BASE}/organisers", signed_in(404, admin=200)),
    Rule(
        "manage.organisers",
        "POST",
        lambda w: f"{BASE}/organisers",
        signed_in(404, admin=302),
        data=lambda w: {"email": "b@beta.example"},
    ),
    Rule(
        "manage.remove_organiser",
        "POST",
        lambda w: f"{BASE}/organisers/{w.organiser.id}/remove",
        signed_in(404, admin=302),
    ),
    Rule(
        "manage.change_status",
        "POST",
        lambda w: f"{BASE}/status",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"status": "closed"},
    ),
    Rule("manage.categories", "GET", lambda w: f"{BASE}/categories", signed_in(404, **MANAGERS)),
    Rule(
        "manage.categories",
        "POST",
        lambda w: f"{BASE}/categories",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"name": "Digital finance", "description": ""},
    ),
    Rule(
        "manage.edit_category",
        "GET",
        lambda w: f"{BASE}/categories/{_free_category(w)}/edit",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "manage.edit_category",
        "POST",
        lambda w: f"{BASE}/categories/{_free_category(w)}/edit",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"name": "E-health and care"},
    ),
    Rule(
        "manage.edit_category",
        "GET",
        lambda w: f"/manage/innovation/categories/{_free_category(w)}/edit",
        signed_in(404, other_organiser=404, admin=404),
        note="-of-another-challenge",
    ),
    Rule(
        "manage.delete_category",
        "POST",
        lambda w: f"{BASE}/categories/{_free_category(w)}/delete",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "manage.move_category",
        "POST",
        lambda w: f"{BASE}/categories/{_free_category(w)}/move",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"direction": "up"},
    ),
    Rule("manage.questions", "GET", lambda w: f"{BASE}/questions", signed_in(404, **MANAGERS)),
    Rule("manage.new_question", "GET", lambda w: f"{BASE}/questions/new", signed_in(404, **MANAGERS)),
    Rule(
        "manage.new_question",
        "POST",
        lambda w: f"{BASE}/questions/new",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"label": "Team size?", "kind": "number"},
    ),
    Rule(
        "manage.edit_question",
        "GET",
        lambda w: f"{BASE}/questions/{_question(w)}/edit",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "manage.edit_question",
        "POST",
        lambda w: f"{BASE}/questions/{_question(w)}/edit",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"label": "How many paying customers?", "kind": "short_text"},
    ),
    Rule(
        "manage.delete_question",
        "POST",
        lambda w: f"{BASE}/questions/{_question(w)}/delete",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "manage.move_question",
        "POST",
        lambda w: f"{BASE}/questions/{_question(w)}/move",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"direction": "down"},
    ),
]
