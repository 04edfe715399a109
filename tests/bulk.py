"""Large programmes built with bulk inserts, for the tests and the benchmarks that need many rows quickly.

The factories in ``tests.factories`` add one row per commit, which is right for small worlds and far
too slow for a thousand entries. The builders here write each kind of row in multi-row ``INSERT``s and
return the new ids in the order of the rows. Nothing here checks rules: the rows are what the services
would write. Each builder works in the current application context and leaves the commit to its caller,
except ``judged_round`` and ``entrant_with_entries``, which build a whole world for a test and commit it.

The benchmarks in ``bench/`` put the repository root on ``sys.path`` and import this module inside their
functions, once their environment is set.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

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
# A 5-criterion rubric, (name, weight), as a programme's organisers might set it.
RUBRIC = [("Innovation", "2"), ("Impact", "2"), ("Feasibility", "1"), ("Scalability", "1"), ("Team", "1")]
# What an entry says about itself when a caller gives nothing else; callers add or replace fields.
PITCH: dict[str, object] = {
    "summary": "Solar-powered cold storage for rural clinics.",
    "problem": "Vaccines spoil without power.",
    "solution": "A rented solar fridge with remote monitoring.",
    "sdgs": [3, 7],
    "stage": Stage.MARKET,
}


# --- one kind of row at a time --------------------------------------------------------------------------


def insert_ids(model, rows: Sequence[Mapping]) -> list[int]:
    """Insert ``rows`` of ``model`` in multi-row INSERTs; the new ids, in the order of ``rows``."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def insert_rows(model, rows: Sequence[Mapping]) -> None:
    """Insert ``rows`` of ``model`` in multi-row INSERTs, when nothing needs their ids."""
    if rows:
        db.session.execute(insert(model), rows)


def people(count: int, domain: str, role: str = "judge") -> list[tuple[str, str]]:
    """``count`` (email, name) pairs: ``judge0@domain``, "Judge 0", and so on."""
    return [(f"{role}{n}@{domain}", f"{role.capitalize()} {n}") for n in range(count)]


def add_organisations(count: int, name: str = "Company {i}", *, varied: bool = False) -> list[int]:
    """``count`` organisations named ``name.format(i=i)``: in Kenya with 12 employees, or ``varied``
    (countries in turn from ``COUNTRIES``, 10 to 49 employees)."""
    return insert_ids(
        Organisation,
        [
            {
                "name": name.format(i=i),
                "normalised_name": name.format(i=i).lower(),
                "country": COUNTRIES[i % len(COUNTRIES)] if varied else "KE",
                "employees": 10 + i % 40 if varied else 12,
            }
            for i in range(count)
        ],
    )


def add_users(
    who: Sequence[tuple[str, str]],
    *,
    password_hash: str,
    now: datetime,
    organisation_ids: Sequence[int] | None = None,
) -> tuple[list[int], list[str]]:
    """Verified English-speaking users, one per (email, name); returns their ids and session tokens
    (what signing in puts in the session cookie, see ``session_cookie``)."""
    tokens = [secrets.token_urlsafe(24) for _ in who]
    ids = insert_ids(
        User,
        [
            {
                "email": email,
                "name": name,
                "password_hash": password_hash,
                "email_verified_at": now,
                "language": "en",
                "organisation_id": organisation_ids[n] if organisation_ids else None,
                "session_token": tokens[n],
            }
            for n, (email, name) in enumerate(who)
        ],
    )
    return ids, tokens


def session_cookie(app, user_id: int, token: str) -> str:
    """The session cookie signing in would give the user, signed with ``app``'s secret key."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": f"{user_id}:{token}", "_fresh": False})


def add_challenge(
    slug: str,
    title: str,
    categories: Sequence[str],
    *,
    now: datetime,
    organisers: Sequence[User] = (),
    kind: ChallengeKind = ChallengeKind.AWARD,
    status: ChallengeStatus = ChallengeStatus.JUDGING,
    days: tuple[int, int] = (-60, -30),
) -> Challenge:
    """A challenge (added to the session, not flushed) open from ``days[0]`` to ``days[1]`` days from
    ``now``, with these categories in this order."""
    challenge = Challenge(
        slug=slug,
        title=title,
        kind=kind,
        status=status,
        opens_at=now + timedelta(days=days[0]),
        closes_at=now + timedelta(days=days[1]),
        organisers=list(organisers),
        categories=[Category(name=name, position=i) for i, name in enumerate(categories)],
    )
    db.session.add(challenge)
    return challenge


def add_round(
    challenge: Challenge,
    criteria: Sequence[tuple[str, str]],
    *,
    now: datetime | None = None,
    guides: bool = False,
    **fields,
) -> tuple[Round, list[int]]:
    """The challenge's "First round" with a rubric of (name, weight) criteria; flushes the session.

    With ``now`` the round is open from a day before to 14 days after; ``guides`` describes levels 1, 3
    and 5 of each criterion. Returns the round and the criterion ids.
    """
    if now is not None:
        fields |= {"opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=14)}
    round_ = Round(challenge=challenge, name="First round", **fields)
    db.session.add(round_)
    db.session.flush()
    criterion_ids = insert_ids(
        Criterion,
        [
            {"round_id": round_.id, "name": name, "position": i, "weight": Decimal(weight)}
            | ({"guide": _guide(name)} if guides else {})
            for i, (name, weight) in enumerate(criteria)
        ],
    )
    return round_, criterion_ids


def _guide(criterion: str) -> dict[str, str]:
    return {str(level): f"What a {level} looks like for {criterion}." for level in (1, 3, 5)}


def add_entries(
    count: int,
    challenge_ids: Sequence[int],
    category_ids: Sequence[int],
    organisation_ids: Sequence[int],
    *,
    title: str = "Entry {i:04d}",
    numbered_from: int = 0,
    status: SubmissionStatus = SubmissionStatus.ELIGIBLE,
    submitted_at: datetime | None = None,
    stagger: timedelta | None = None,
    authors: Sequence[int] | None = None,
    details: Mapping[str, object] | None = PITCH,
) -> list[int]:
    """``count`` entries; the i-th takes its challenge, category and organisation in turn from the lists.

    Titles are ``title.format(i=numbered_from + i)``; the i-th is submitted ``i * stagger`` after
    ``submitted_at`` and created by ``authors[i]`` when given; ``details`` adds the same fields to each.
    """
    rows = []
    for i in range(count):
        row = {
            "challenge_id": challenge_ids[i % len(challenge_ids)],
            "category_id": category_ids[i % len(category_ids)],
            "organisation_id": organisation_ids[i % len(organisation_ids)],
            "status": status,
            "title": title.format(i=numbered_from + i),
            "submitted_at": submitted_at + i * stagger if submitted_at and stagger else submitted_at,
        }
        if authors is not None:
            row["created_by_id"] = authors[i]
        rows.append(row | dict(details or {}))
    return insert_ids(Submission, rows)


def add_round_entries(round_id: int, entry_ids: Iterable[int]) -> None:
    insert_rows(RoundEntry, [{"round_id": round_id, "submission_id": e} for e in entry_ids])


def add_judges(
    challenge_id: int,
    who: Sequence[tuple[str, str]],
    *,
    now: datetime,
    user_ids: Sequence[int] | None = None,
    ready: bool = True,
    **fields,
) -> list[int]:
    """Active English-speaking judges, one per (email, name), with the user accounts ``user_ids``;
    ``ready`` ones have accepted, agreed to the terms and confirmed their profile at ``now``."""
    readiness = {"accepted_at": now, "terms_accepted_at": now, "profile_confirmed_at": now} if ready else {}
    return insert_ids(
        Judge,
        [
            {
                "challenge_id": challenge_id,
                "user_id": user_ids[n] if user_ids else None,
                "email": email,
                "name": name,
                "status": JudgeStatus.ACTIVE,
                "languages": ["en"],
            }
            | readiness
            | fields
            for n, (email, name) in enumerate(who)
        ],
    )


def add_assignments(round_id: int, pairs: Sequence[tuple[int, int]], *, scored: int = 0) -> list[int]:
    """One assignment per (judge id, entry id); the first ``scored`` are scored, the others assigned."""
    return insert_ids(
        Assignment,
        [
            {
                "round_id": round_id,
                "judge_id": judge_id,
                "submission_id": entry_id,
                "status": AssignmentStatus.SCORED if i < scored else AssignmentStatus.ASSIGNED,
            }
            for i, (judge_id, entry_id) in enumerate(pairs)
        ],
    )


def add_sheets(
    assignment_ids: Sequence[int],
    criterion_ids: Sequence[int],
    marks: Sequence[Sequence[int]],
    *,
    now: datetime,
    **fields,
) -> list[int]:
    """A sheet submitted at ``now`` per assignment, the i-th marking criterion j with ``marks[i][j]``."""
    sheet_ids = insert_ids(
        ScoreSheet,
        [
            {"assignment_id": a, "status": SheetStatus.SUBMITTED, "submitted_at": now} | fields
            for a in assignment_ids
        ],
    )
    insert_rows(
        Score,
        [
            {"sheet_id": s, "criterion_id": c, "value": int(value)}
            for s, row in zip(sheet_ids, marks, strict=True)
            for c, value in zip(criterion_ids, row, strict=True)
        ],
    )
    return sheet_ids


@dataclass
class Panel:
    """Judges with accounts and their assignments (``assignments[n]`` are judge ``n``'s)."""

    emails: list[str]
    user_ids: list[int]
    tokens: list[str]
    assignments: list[list[int]]


def add_panel(
    round_: Round,
    entry_ids: Sequence[int],
    judges: int,
    per_judge: int,
    *,
    domain: str,
    password_hash: str,
    now: datetime,
    **fields,
) -> Panel:
    """``judges`` ready judges with verified accounts (``judge{n}@domain``), each assigned ``per_judge``
    entries: judge ``n`` the ones from ``n * per_judge`` on, going round ``entry_ids``. ``fields`` go to
    every judge (a capacity, say)."""
    who = people(judges, domain)
    user_ids, tokens = add_users(who, password_hash=password_hash, now=now)
    judge_ids = add_judges(round_.challenge_id, who, now=now, user_ids=user_ids, **fields)
    pairs = [
        (judge_ids[n], entry_ids[(n * per_judge + t) % len(entry_ids)])
        for n in range(judges)
        for t in range(per_judge)
    ]
    assignment_ids = add_assignments(round_.id, pairs)
    mine = [assignment_ids[n * per_judge : (n + 1) * per_judge] for n in range(judges)]
    return Panel([email for email, _ in who], user_ids, tokens, mine)


# --- whole worlds for the tests ---------------------------------------------------------------------------


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


def entrant_with_entries(count: int) -> User:
    """An entrant whose organisation has ``count`` entries, each in its own open challenge."""
    now = utcnow()
    [organisation_id] = add_organisations(1, "Many Entries Ltd")
    challenge_ids = insert_ids(
        Challenge,
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
    category_ids = insert_ids(Category, [{"challenge_id": c, "name": "Connectivity"} for c in challenge_ids])
    add_entries(
        count,
        challenge_ids,
        category_ids,
        [organisation_id],
        status=SubmissionStatus.SUBMITTED,
        submitted_at=now - timedelta(days=40),
        stagger=timedelta(minutes=1),
    )
    db.session.commit()
    return make_user(name="Many Entries", organisation=db.session.get(Organisation, organisation_id))


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
    challenge = add_challenge(
        "bulk-awards", "Bulk Awards", ("Health", "Energy"), now=now, organisers=[organiser]
    )
    rubric = [(f"Criterion {i:04d}", "1") for i in range(criteria)]
    round_, criterion_ids = add_round(challenge, rubric, now=now, judges_per_entry=1)
    [judge_id] = add_judges(
        challenge.id, [(judge_user.email, judge_user.name)], now=now, user_ids=[judge_user.id]
    )
    category_ids = [category.id for category in challenge.categories]
    insert_rows(judge_expertise, [{"judge_id": judge_id, "category_id": c} for c in category_ids])
    question_ids = insert_ids(
        EntryQuestion,
        [
            {"challenge_id": challenge.id, "label": f"Question {i:04d}", "kind": QuestionKind.SHORT_TEXT}
            | {"position": i}
            for i in range(questions)
        ],
    )
    organisation_ids = add_organisations(entries, "Company {i:04d}", varied=True)
    entry_ids = add_entries(
        entries,
        [challenge.id],
        category_ids,
        organisation_ids,
        submitted_at=now - timedelta(days=40),
        stagger=timedelta(minutes=1),
    )
    insert_rows(
        Answer,
        [
            {"submission_id": e, "question_id": q, "value": f"Answer {q}"}
            for e in entry_ids
            for q in question_ids
        ],
    )
    add_round_entries(round_.id, entry_ids)
    marked = entries if sheets is None else sheets
    assignment_ids = add_assignments(round_.id, [(judge_id, e) for e in entry_ids], scored=marked)
    marks = [[1 + (i + j) % 5 for j in range(criteria)] for i in range(marked)]
    add_sheets(assignment_ids[:marked], criterion_ids, marks, now=now, feedback="Clear and convincing.")
    if decided:
        insert_rows(
            Decision,
            [
                {"challenge_id": challenge.id, "submission_id": e, "outcome": OUTCOMES[i % len(OUTCOMES)]}
                for i, e in enumerate(entry_ids)
            ],
        )
    db.session.commit()
    return Programme(organiser, judge_user, challenge, round_, entry_ids, assignment_ids, criterion_ids)
