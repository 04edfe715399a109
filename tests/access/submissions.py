"""Entries: entrants' pages (blueprint ``submissions``) and organisers' pages (blueprint ``screening``).

In the world, ``submission_a`` (submitted) and ``draft_a`` belong to organisation A, ``submission_b`` to
organisation B, all in ``world.challenge`` organised by ``organiser``. Members of the organisation see and
change its entries; the challenge's organisers (and administrators) see entries that are not drafts. A
signed-out POST to the entry form is answered 401 with the typed values kept on the page (never a redirect
that would drop them).
"""

from __future__ import annotations

from io import BytesIO

from werkzeug.datastructures import FileStorage

from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from tests.access.rules import Rule, every, signed_in
from tests.factories import World, minimal_pdf

OWNER_ONLY = signed_in(404, entrant_a=200)
OWNER_ACTS = signed_in(404, entrant_a=302)
OWNER_WRITES = every(404, anonymous=401, entrant_a=302)  # signed out: the typed values kept (401)
ORGANISERS = signed_in(404, organiser=200, admin=200)


def _with_deck(world: World, submission_name: str) -> int:
    """Give one of the world's entries a stored deck (as its members would) and return the entry's id."""
    from judging.submissions.services import attach_deck

    submission = getattr(world, submission_name)
    upload = FileStorage(BytesIO(minimal_pdf()), filename="deck.pdf", content_type="application/pdf")
    attach_deck(submission, upload, actor=world.entrant_a)
    return submission.id


def _withdrawn_draft(world: World) -> int:
    world.draft_a.status = SubmissionStatus.WITHDRAWN
    db.session.commit()
    return world.draft_a.id


def _entry(world: World, name: str = "submission_a") -> str:
    return f"/entries/{getattr(world, name).id}"


def _manage(world: World, name: str = "submission_a") -> str:
    return f"/manage/{world.challenge.slug}/entries/{getattr(world, name).id}"


RULES = [
    Rule("submissions.dashboard", "GET", lambda w: "/entries/", signed_in(200)),
    Rule("submissions.start", "GET", lambda w: f"/challenges/{w.challenge.slug}/enter", every(200)),
    Rule(
        "submissions.start",
        "GET",
        lambda w: f"/challenges/{w.draft_challenge.slug}/enter",
        every(404, organiser=200, admin=200),
        note="-unpublished",
    ),
    Rule(
        "submissions.start",
        "POST",
        lambda w: f"/challenges/{w.challenge.slug}/enter",
        # organisers and the administrator have no organisation: the page says what is missing
        signed_in(200, entrant_a=302, entrant_b=302),
        data=lambda w: {"category": str(w.challenge.categories[0].id), "title": "A new idea"},
    ),
    Rule("submissions.view", "GET", _entry, signed_in(404, entrant_a=200, organiser=200, admin=200)),
    Rule("submissions.view", "GET", lambda w: _entry(w, "draft_a"), OWNER_ONLY, note="-draft"),
    Rule("submissions.edit", "GET", lambda w: _entry(w) + "/edit", OWNER_ONLY),
    Rule(
        "submissions.edit",
        "POST",
        lambda w: _entry(w, "draft_a") + "/edit",
        OWNER_WRITES,
        data=lambda w: {"action": "save", "title": "Alpha draft, renamed"},
    ),
    Rule(
        "submissions.deck",
        "GET",
        lambda w: f"/entries/{_with_deck(w, 'submission_a')}/deck",
        signed_in(404, entrant_a=200, organiser=200, admin=200),
    ),
    Rule(
        "submissions.deck",
        "GET",
        lambda w: f"/entries/{_with_deck(w, 'draft_a')}/deck",
        OWNER_ONLY,
        note="-draft",
    ),
    Rule(
        "submissions.remove_deck",
        "POST",
        lambda w: f"/entries/{_with_deck(w, 'draft_a')}/deck/remove",
        OWNER_ACTS,
    ),
    Rule("submissions.withdraw", "GET", lambda w: _entry(w) + "/withdraw", OWNER_ONLY),
    Rule("submissions.withdraw", "POST", lambda w: _entry(w) + "/withdraw", OWNER_ACTS),
    Rule("submissions.reinstate", "POST", lambda w: f"/entries/{_withdrawn_draft(w)}/reinstate", OWNER_ACTS),
    Rule("screening.entries", "GET", lambda w: f"/manage/{w.challenge.slug}/entries", ORGANISERS),
    Rule("screening.entry", "GET", _manage, ORGANISERS),
    Rule("screening.entry", "GET", lambda w: _manage(w, "draft_a"), signed_in(404), note="-draft"),
    Rule(
        "screening.screen",
        "POST",
        lambda w: _manage(w) + "/screen",
        signed_in(404, organiser=302, admin=302),
        data=lambda w: {"decision": "eligible", "reason": ""},
    ),
    Rule(
        "screening.export",
        "GET",
        lambda w: f"/manage/{w.challenge.slug}/entries.csv",
        ORGANISERS,
    ),
]
