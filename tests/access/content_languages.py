"""Access to a challenge's translations page: its organisers and administrators only; everyone else
signed in gets 404 (the challenge's organiser pages are not revealed), anonymous visitors sign in."""

from __future__ import annotations

from tests.access.rules import Rule, signed_in

BASE = "/manage/sme-awards/translations"
MANAGERS = {"organiser": 200, "admin": 200}
REDIRECT = {"organiser": 302, "admin": 302}

RULES = [
    Rule("manage.translations", "GET", lambda w: BASE, signed_in(404, **MANAGERS)),
    Rule("manage.translations", "GET", lambda w: f"{BASE}?lang=fr", signed_in(404, **MANAGERS), note="-fr"),
    Rule(
        "manage.translations",
        "GET",
        lambda w: "/manage/innovation/translations?lang=fr",
        signed_in(404, other_organiser=200, admin=200),
        note="-other-challenge",
    ),
    Rule(
        "manage.translations",
        "POST",
        lambda w: f"{BASE}?lang=fr",
        signed_in(404, **REDIRECT),
        data=lambda w: {"challenge-title": "Prix des PME numériques"},
    ),
    Rule(
        "manage.translations",
        "POST",
        lambda w: f"{BASE}?lang=fr",
        signed_in(404, **MANAGERS),
        data=lambda w: {"challenge-title": "x" * 201},
        note="-invalid",
    ),
    Rule(
        "manage.content_language",
        "POST",
        lambda w: f"{BASE}/language",
        signed_in(404, **REDIRECT),
        data=lambda w: {"content_language": "fr"},
    ),
]
