"""A large generated programme for load tests, written with bulk inserts (not one ORM object at a time).

``build_large_programme`` migrates a fresh database, loads the demo (so a published challenge has public
results), then adds one challenge in judging (an open round with a 5-criterion rubric, judged entries,
ready judges and their assignments) and one open challenge whose entrants each hold a draft. It returns a
:class:`Programme`: the slugs, and per judge and per entrant the ids they work on and the session cookie
signing in would give them. Running this file does nothing; ``bench/load.py`` imports it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$bm90LWEtcmVhbC1oYXNo$bm90LWEtcmVhbC1oYXNoLWF0LWFsbA"
CRITERIA = [("Innovation", "2"), ("Impact", "2"), ("Feasibility", "1"), ("Scalability", "1"), ("Team", "1")]
CATEGORIES = ["Connectivity", "Smart cities", "E-health", "Digital finance"]
JUDGED_SLUG = "load-awards"
OPEN_SLUG = "load-open-call"
TEXT = "Solar-powered cold storage for rural clinics, rented per month with remote monitoring. "


@dataclass
class Programme:
    judged_slug: str
    open_slug: str
    published_slug: str
    judges: list[tuple[list[int], str]] = field(default_factory=list)  # (assignment ids, cookie)
    entrants: list[tuple[int, str]] = field(default_factory=list)  # (draft submission id, cookie)
    counts: dict[str, int] = field(default_factory=dict)


def _ids(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in batches of multi-row INSERTs; the new ids, in the order of ``rows``."""
    from sqlalchemy import insert

    from judging.extensions import db

    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows)) if rows else []


def _insert(model, rows: list[dict]) -> None:
    from sqlalchemy import insert

    from judging.extensions import db

    if rows:
        db.session.execute(insert(model), rows)


def _challenges(organiser, now):
    from judging.assignments.models import Round
    from judging.challenges.models import Category, Challenge, ChallengeKind
    from judging.core.lifecycle import ChallengeStatus
    from judging.extensions import db
    from judging.scoring.models import Criterion

    judged = Challenge(
        slug=JUDGED_SLUG,
        title="Load Awards",
        kind=ChallengeKind.AWARD,
        status=ChallengeStatus.JUDGING,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        organisers=[organiser],
        categories=[Category(name=name, position=i) for i, name in enumerate(CATEGORIES)],
    )
    open_call = Challenge(
        slug=OPEN_SLUG,
        title="Load Open Call",
        kind=ChallengeKind.CHALLENGE,
        status=ChallengeStatus.OPEN,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=30),
        organisers=[organiser],
        categories=[Category(name=name, position=i) for i, name in enumerate(CATEGORIES)],
    )
    round_ = Round(
        challenge=judged,
        name="First round",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=14),
    )
    db.session.add_all([judged, open_call, round_])
    for position, (name, weight) in enumerate(CRITERIA):
        guide = {str(level): f"What a {level} looks like for {name}." for level in (1, 3, 5)}
        db.session.add(
            Criterion(round=round_, position=position, name=name, guide=guide, weight=Decimal(weight))
        )
    db.session.flush()
    return judged, open_call, round_


def _entry(
    challenge_id: int, category_id: int, organisation_id: int, n: int, status, now, author=None
) -> dict:
    from judging.core.lifecycle import SubmissionStatus
    from judging.submissions.models import Stage

    submitted = status is not SubmissionStatus.DRAFT
    return {
        "challenge_id": challenge_id,
        "category_id": category_id,
        "organisation_id": organisation_id,
        "created_by_id": author,
        "status": status,
        "title": f"Entry {n:05d}",
        "summary": TEXT * 2,
        "problem": TEXT * 4,
        "solution": TEXT * 4,
        "business_model": "Pay as you go per clinic.",
        "impact": "Fewer lost doses.",
        "sdgs": [3, 7],
        "stage": Stage.MARKET,
        "language": "en",
        "submitted_at": now - timedelta(days=40) if submitted else None,
    }


def build_large_programme(app, *, entries: int, judges: int, assignments: int, drafts: int) -> Programme:
    """Fill the (empty) database behind ``app``; ``drafts`` of the ``entries`` are drafts in an open call.

    Cookies are signed with ``app``'s secret key: the server under test must be given the same key.
    """
    from flask_migrate import upgrade

    from judging.accounts.models import Organisation, User
    from judging.assignments.models import Assignment, AssignmentOrigin, Judge, JudgeStatus, RoundEntry
    from judging.core.lifecycle import SubmissionStatus
    from judging.database import utcnow
    from judging.demo import load_demo
    from judging.demo.jury import PUBLISHED_SLUG
    from judging.extensions import db
    from judging.submissions.models import Submission

    judged_entries = entries - drafts
    now = utcnow()
    with app.app_context():
        upgrade()
        load_demo()  # includes a published edition: public results with content
        organiser = User(email="organiser@load.example", name="Organiser", password_hash=PASSWORD_HASH)
        judged, open_call, round_ = _challenges(organiser, now)
        companies = max(1, judged_entries // 5)
        organisation_ids = _ids(
            Organisation,
            [
                {"name": f"Company {i}", "normalised_name": f"company {i}", "country": "KE", "employees": 12}
                for i in range(companies + drafts)
            ],
        )
        entrant_tokens = [secrets.token_urlsafe(24) for _ in range(drafts)]
        entrant_ids = _ids(
            User,
            [
                {
                    "email": f"entrant{n}@load.example",
                    "name": f"Entrant {n}",
                    "password_hash": PASSWORD_HASH,
                    "email_verified_at": now,
                    "language": "en",
                    "organisation_id": organisation_ids[companies + n],
                    "session_token": entrant_tokens[n],
                }
                for n in range(drafts)
            ],
        )
        judged_categories = [c.id for c in judged.categories]
        open_categories = [c.id for c in open_call.categories]
        eligible = SubmissionStatus.ELIGIBLE
        entry_ids = _ids(
            Submission,
            [
                _entry(judged.id, judged_categories[i % 4], organisation_ids[i % companies], i, eligible, now)
                for i in range(judged_entries)
            ],
        )
        draft_ids = _ids(
            Submission,
            [
                _entry(
                    open_call.id,
                    open_categories[n % 4],
                    organisation_ids[companies + n],
                    judged_entries + n,
                    SubmissionStatus.DRAFT,
                    now,
                    author=entrant_ids[n],
                )
                for n in range(drafts)
            ],
        )
        judge_tokens = [secrets.token_urlsafe(24) for _ in range(judges)]
        judge_user_ids = _ids(
            User,
            [
                {
                    "email": f"judge{n}@load.example",
                    "name": f"Judge {n}",
                    "password_hash": PASSWORD_HASH,
                    "email_verified_at": now,
                    "language": "en",
                    "session_token": judge_tokens[n],
                }
                for n in range(judges)
            ],
        )
        judge_ids = _ids(
            Judge,
            [
                {
                    "challenge_id": judged.id,
                    "user_id": judge_user_ids[n],
                    "email": f"judge{n}@load.example",
                    "name": f"Judge {n}",
                    "status": JudgeStatus.ACTIVE,
                    "languages": ["en"],
                    "capacity": assignments // judges + 1,
                    "accepted_at": now,
                    "terms_accepted_at": now,
                    "profile_confirmed_at": now,
                }
                for n in range(judges)
            ],
        )
        _insert(RoundEntry, [{"round_id": round_.id, "submission_id": sid} for sid in entry_ids])
        per_judge = assignments // judges
        pairs = [
            (judge_ids[n], entry_ids[(n * per_judge + t) % judged_entries])
            for n in range(judges)
            for t in range(per_judge)
        ]
        assignment_ids = _ids(
            Assignment,
            [
                {
                    "round_id": round_.id,
                    "judge_id": j,
                    "submission_id": s,
                    "origin": AssignmentOrigin.AUTOMATIC,
                }
                for j, s in pairs
            ],
        )
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)

        def cookie(user_id: int, token: str) -> str:
            return serializer.dumps({"_user_id": f"{user_id}:{token}", "_fresh": False})

        programme = Programme(JUDGED_SLUG, OPEN_SLUG, PUBLISHED_SLUG)
        programme.judges = [
            (assignment_ids[n * per_judge : (n + 1) * per_judge], cookie(judge_user_ids[n], judge_tokens[n]))
            for n in range(judges)
        ]
        programme.entrants = [
            (draft_ids[n], cookie(entrant_ids[n], entrant_tokens[n])) for n in range(drafts)
        ]
        programme.counts = {
            "entries": len(entry_ids) + len(draft_ids),
            "judges": len(judge_ids),
            "assignments": len(assignment_ids),
            "drafts": len(draft_ids),
        }
    return programme
