"""Large programmes built with bulk inserts, for tests and benchmarks that need many rows quickly.

The factories in ``tests.factories`` add one row per commit, which is right for small worlds and far
too slow for a thousand entries. These builders write each kind of row in one ``INSERT`` of many values
and return the ids a test needs. Nothing here checks rules: the rows are what the services would write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from judging.accounts.models import Organisation, User
from judging.assignments.models import (
    Assignment,
    AssignmentStatus,
    Judge,
    JudgeStatus,
    Round,
    RoundEntry,
    judge_expertise,
)
from judging.challenges.models import Category, Challenge, ChallengeKind, EntryQuestion, QuestionKind
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.database import utcnow
from judging.extensions import db
from judging.results.models import Decision, Outcome
from judging.scoring.models import Criterion, Score, ScoreSheet, SheetStatus
from judging.submissions.models import Answer, Stage, Submission
from tests.factories import make_user

COUNTRIES = ("KE", "PE", "FR", "NG", "IN", "BR")
OUTCOMES = (Outcome.WINNER, Outcome.RUNNER_UP, Outcome.FINALIST, Outcome.PARTICIPANT)


@dataclass
class Programme:
    """A judged round: ``entries`` entries of as many organisations, all assigned to ``judge``."""

    organiser: User
    judge: User
    challenge: Challenge
    round: Round
    entry_ids: list[int]
    assignment_ids: list[int]
    criterion_ids: list[int]


def _ids(model, *where) -> list[int]:
    return list(db.session.scalars(select(model.id).where(*where).order_by(model.id)))


def _organisations(count: int, prefix: str) -> list[int]:
    db.session.execute(
        insert(Organisation),
        [
            {
                "name": f"{prefix} {i:04d}",
                "normalised_name": f"{prefix.lower()} {i:04d}",
                "country": COUNTRIES[i % len(COUNTRIES)],
                "employees": 10 + i % 40,
            }
            for i in range(count)
        ],
    )
    return _ids(Organisation, Organisation.name.like(f"{prefix} %"))


def _entry(challenge_id: int, category_id: int, organisation_id: int, i: int, now) -> dict:
    return {
        "challenge_id": challenge_id,
        "category_id": category_id,
        "organisation_id": organisation_id,
        "status": SubmissionStatus.ELIGIBLE,
        "title": f"Entry {i:04d}",
        "summary": "Solar-powered cold storage for rural clinics.",
        "problem": "Vaccines spoil without power.",
        "solution": "A rented solar fridge with remote monitoring.",
        "sdgs": [3, 7],
        "stage": Stage.MARKET,
        "submitted_at": now - timedelta(days=40, minutes=-i),
    }


def entrant_with_entries(count: int) -> User:
    """An entrant whose organisation has ``count`` entries, each in its own open challenge."""
    now = utcnow()
    organisation = Organisation(
        name="Many Entries Ltd", normalised_name="many entries ltd", country="KE", employees=12
    )
    db.session.add(organisation)
    db.session.flush()
    db.session.execute(
        insert(Challenge),
        [
            {
                "slug": f"call-{i:04d}",
                "title": f"Call {i:04d}",
                "status": ChallengeStatus.OPEN,
                "timezone": "Europe/Paris",
                "opens_at": now - timedelta(days=10),
                "closes_at": now + timedelta(days=20 + i),
            }
            for i in range(count)
        ],
    )
    challenge_ids = _ids(Challenge, Challenge.slug.like("call-%"))
    db.session.execute(insert(Category), [{"challenge_id": c, "name": "Connectivity"} for c in challenge_ids])
    category_ids = _ids(Category, Category.challenge_id.in_(challenge_ids))
    db.session.execute(
        insert(Submission),
        [
            _entry(c, k, organisation.id, i, now) | {"status": SubmissionStatus.SUBMITTED}
            for i, (c, k) in enumerate(zip(challenge_ids, category_ids, strict=True))
        ],
    )
    db.session.commit()
    return make_user(name="Many Entries", organisation=organisation)


def judged_round(
    entries: int, *, criteria: int = 3, questions: int = 2, sheets: int | None = None, decided: bool = False
) -> Programme:
    """A challenge in judging with one open round holding ``entries`` entries of as many organisations.

    One ready judge is assigned every entry; the first ``sheets`` assignments (all by default) carry a
    submitted sheet marking every criterion. Every entry answers the ``questions`` entry questions.
    ``decided`` also stages a decision on every entry (outcomes in turn).
    """
    now = utcnow()
    organiser = make_user(name="Olu Organiser")
    judge_user = make_user(name="Judy Judge")
    challenge = Challenge(
        slug="bulk-awards",
        title="Bulk Awards",
        kind=ChallengeKind.AWARD,
        status=ChallengeStatus.JUDGING,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        organisers=[organiser],
        categories=[Category(name=name, position=i) for i, name in enumerate(("Health", "Energy"))],
    )
    round_ = Round(
        challenge=challenge,
        name="First round",
        judges_per_entry=1,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=14),
    )
    judge = Judge(
        challenge=challenge,
        user=judge_user,
        email=judge_user.email,
        name=judge_user.name,
        status=JudgeStatus.ACTIVE,
        languages=["en"],
        accepted_at=now,
        terms_accepted_at=now,
        profile_confirmed_at=now,
    )
    db.session.add_all([challenge, round_, judge])
    db.session.flush()
    category_ids = [category.id for category in challenge.categories]
    db.session.execute(
        insert(judge_expertise), [{"judge_id": judge.id, "category_id": c} for c in category_ids]
    )
    db.session.execute(
        insert(Criterion),
        [
            {"round_id": round_.id, "name": f"Criterion {i:04d}", "position": i, "weight": Decimal("1")}
            for i in range(criteria)
        ],
    )
    criterion_ids = _ids(Criterion, Criterion.round_id == round_.id)
    if questions:
        db.session.execute(
            insert(EntryQuestion),
            [
                {"challenge_id": challenge.id, "label": f"Question {i:04d}", "kind": QuestionKind.SHORT_TEXT}
                | {"position": i}
                for i in range(questions)
            ],
        )
    question_ids = _ids(EntryQuestion, EntryQuestion.challenge_id == challenge.id)
    organisation_ids = _organisations(entries, "Company")
    db.session.execute(
        insert(Submission),
        [_entry(challenge.id, category_ids[i % 2], organisation_ids[i], i, now) for i in range(entries)],
    )
    entry_ids = _ids(Submission, Submission.challenge_id == challenge.id)
    if question_ids:
        db.session.execute(
            insert(Answer),
            [
                {"submission_id": e, "question_id": q, "value": f"Answer {q}"}
                for e in entry_ids
                for q in question_ids
            ],
        )
    db.session.execute(insert(RoundEntry), [{"round_id": round_.id, "submission_id": e} for e in entry_ids])
    marked = entries if sheets is None else sheets
    db.session.execute(
        insert(Assignment),
        [
            {
                "round_id": round_.id,
                "judge_id": judge.id,
                "submission_id": e,
                "status": AssignmentStatus.SCORED if i < marked else AssignmentStatus.ASSIGNED,
            }
            for i, e in enumerate(entry_ids)
        ],
    )
    assignment_ids = _ids(Assignment, Assignment.round_id == round_.id)
    if marked:
        db.session.execute(
            insert(ScoreSheet),
            [
                {"assignment_id": a, "status": SheetStatus.SUBMITTED, "submitted_at": now}
                | {"feedback": "Clear and convincing."}
                for a in assignment_ids[:marked]
            ],
        )
        sheet_ids = _ids(ScoreSheet, ScoreSheet.assignment_id.in_(assignment_ids[:marked]))
        db.session.execute(
            insert(Score),
            [
                {"sheet_id": s, "criterion_id": c, "value": 1 + (i + j) % 5}
                for i, s in enumerate(sheet_ids)
                for j, c in enumerate(criterion_ids)
            ],
        )
    if decided:
        db.session.execute(
            insert(Decision),
            [
                {"challenge_id": challenge.id, "submission_id": e, "outcome": OUTCOMES[i % len(OUTCOMES)]}
                for i, e in enumerate(entry_ids)
            ],
        )
    db.session.commit()
    return Programme(organiser, judge_user, challenge, round_, entry_ids, assignment_ids, criterion_ids)
