"""Who may use the judges' own pages: the invitation link, the judging terms and the judge's profile.

Decisions recorded here:
- An invitation link with a forged or garbled token answers 400 for everyone, with a page that says the
  link cannot be used and how to get a new one (as the account links do).
- A valid link can be read by anyone holding it (200). Answering it depends on the reader: for an address
  without an account, the page asks for a name and password (an empty form re-renders, 200); someone
  signed in with another address is told whom the invitation is for (200); for an address with an
  account, anonymous visitors are sent to sign in, and its holder accepts (302 to the terms).
- The terms and profile pages are for accepted judges of the challenge (the world's three judges); the
  judge of another challenge, entrants and organisers get 404; anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from judging.assignments.judge_details import invitation_token
from judging.assignments.models import JudgeStatus
from tests.access.rules import LOGIN, Rule, every, signed_in
from tests.factories import World, make_judge

GARBAGE = "not-a-real-token"
JUDGES_OK = {"judge": 200, "conflicted_judge": 200, "unassigned_judge": 200}
JUDGES_REDIRECT = {"judge": 302, "conflicted_judge": 302, "unassigned_judge": 302}


def _new_person_link(world: World) -> str:
    """An invitation for an address that has no account."""
    from judging.assignments.models import Judge
    from judging.extensions import db

    judge = Judge(challenge=world.challenge, email="newcomer@jury.example", name="Nia Newcomer", capacity=5)
    judge.expertise = [world.challenge.categories[0]]
    db.session.add(judge)
    db.session.commit()
    return f"/judging/invitation/{invitation_token(judge)}"


def _entrant_link(world: World) -> str:
    """An invitation for entrant A's address (an existing account)."""
    judge = make_judge(world.challenge, world.entrant_a, ready=False, status=JudgeStatus.INVITED)
    return f"/judging/invitation/{invitation_token(judge)}"


def _profile_fields(world: World) -> dict:
    return {
        "expertise": [str(world.challenge.categories[0].id)],
        "languages": ["en"],
        "capacity": "8",
        "affiliation": "University of Nairobi",
        "country": "KE",
    }


RULES = [
    Rule("judging.invitation", "GET", lambda w: f"/judging/invitation/{GARBAGE}", every(400)),
    Rule("judging.invitation", "POST", lambda w: f"/judging/invitation/{GARBAGE}", every(400)),
    Rule("judging.invitation", "GET", _new_person_link, every(200), note="-new-person"),
    Rule(
        "judging.invitation",
        "POST",
        _new_person_link,
        every(200),
        data=lambda w: {"answer": "accept"},
        note="-new-person-empty",
    ),
    Rule("judging.invitation", "GET", _entrant_link, every(200), note="-existing-account"),
    Rule(
        "judging.invitation",
        "POST",
        _entrant_link,
        every(200, anonymous=LOGIN, entrant_a=302),
        data=lambda w: {"answer": "accept"},
        note="-existing-account",
    ),
    Rule("judging.terms", "GET", lambda w: "/judging/sme-awards/terms", signed_in(404, **JUDGES_OK)),
    Rule(
        "judging.terms",
        "POST",
        lambda w: "/judging/sme-awards/terms",
        signed_in(404, **JUDGES_REDIRECT),
        data=lambda w: {"agree": "y"},
    ),
    Rule("judging.terms", "GET", lambda w: "/judging/no-such-thing/terms", signed_in(404), note="-missing"),
    Rule("judging.profile", "GET", lambda w: "/judging/sme-awards/profile", signed_in(404, **JUDGES_OK)),
    Rule(
        "judging.profile",
        "POST",
        lambda w: "/judging/sme-awards/profile",
        signed_in(404, **JUDGES_REDIRECT),
        data=_profile_fields,
    ),
]
