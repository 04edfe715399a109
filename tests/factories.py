"""Factories for tests: plain functions that create rows with sensible defaults, and the role world."""

from __future__ import annotations

import email
import email.policy
import itertools
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from judging.accounts.models import Organisation, User
from judging.accounts.passwords import hash_password
from judging.assignments.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentStatus,
    Conflict,
    ConflictReason,
    ConflictSource,
    Judge,
    JudgeStatus,
    Round,
    RoundEntry,
)
from judging.challenges.models import Category, Challenge, ChallengeKind, EntryQuestion, QuestionKind
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.core.text import normalise_name
from judging.database import utcnow
from judging.extensions import db
from judging.results.models import Decision, Outcome
from judging.scoring.models import Criterion, Score, ScoreSheet, SheetStatus
from judging.submissions.models import Stage, Submission

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # Argon2 is slow on purpose: hash the common password once
_counter = itertools.count(1)


def make_organisation(name: str | None = None, **fields) -> Organisation:
    name = name or f"Organisation {next(_counter)}"
    values = {
        "country": "KE",
        "employees": 12,
        "founded_year": 2019,
        "sector": "ICT",
        "website": "https://example.org",
    }
    values.update(fields)
    organisation = Organisation(name=name, normalised_name=normalise_name(name), **values)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_user(
    email_address: str | None = None,
    *,
    name: str | None = None,
    password: str = PASSWORD,
    verified: bool = True,
    admin: bool = False,
    organisation: Organisation | None = None,
    **fields,
) -> User:
    n = next(_counter)
    user = User(
        email=email_address or f"user{n}@example.org",
        name=name or f"User {n}",
        password_hash=_PASSWORD_HASH if password == PASSWORD else hash_password(password),
        email_verified_at=utcnow() if verified else None,
        is_admin=admin,
        organisation=organisation,
        country=fields.pop("country", "KE"),
        language=fields.pop("language", "en"),
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_challenge(
    title: str | None = None,
    *,
    organisers: list[User] = (),
    status: ChallengeStatus = ChallengeStatus.OPEN,
    categories: tuple[str, ...] = ("Connectivity", "E-health"),
    opens_in: timedelta = timedelta(days=-10),
    closes_in: timedelta = timedelta(days=20),
    **fields,
) -> Challenge:
    n = next(_counter)
    title = title or f"Challenge {n}"
    now = utcnow()
    challenge = Challenge(
        title=title,
        slug=fields.pop("slug", f"challenge-{n}"),
        kind=fields.pop("kind", ChallengeKind.AWARD),
        summary=fields.pop("summary", "A call for digital SMEs."),
        description=fields.pop("description", "Open to **small** businesses."),
        timezone=fields.pop("timezone", "Europe/Paris"),
        opens_at=now + opens_in,
        closes_at=now + closes_in,
        status=status,
        **fields,
    )
    challenge.organisers = list(organisers)
    challenge.categories = [Category(name=name, position=i) for i, name in enumerate(categories)]
    db.session.add(challenge)
    db.session.commit()
    return challenge


def make_question(
    challenge: Challenge, label: str = "How many customers do you have?", **fields
) -> EntryQuestion:
    question = EntryQuestion(
        challenge=challenge,
        label=label,
        kind=fields.pop("kind", QuestionKind.SHORT_TEXT),
        position=fields.pop("position", len(challenge.questions)),
        **fields,
    )
    db.session.add(question)
    db.session.commit()
    return question


def make_submission(
    challenge: Challenge,
    organisation: Organisation,
    *,
    status: SubmissionStatus = SubmissionStatus.SUBMITTED,
    category: Category | None = None,
    **fields,
) -> Submission:
    values = {
        "title": f"Entry {next(_counter)}",
        "summary": "We connect rural clinics over low-cost mesh networks.",
        "problem": "Clinics lose connectivity.",
        "solution": "A solar-powered mesh.",
        "business_model": "Subscription per clinic.",
        "impact": "Fewer lost records.",
        "sdgs": [3, 9],
        "stage": Stage.PROTOTYPE,
        "video_url": None,
    }
    values.update(fields)
    submission = Submission(
        challenge=challenge,
        category=category or challenge.categories[0],
        organisation=organisation,
        status=status,
        submitted_at=utcnow() if status is not SubmissionStatus.DRAFT else None,
        **values,
    )
    db.session.add(submission)
    db.session.commit()
    return submission


def make_judge(
    challenge: Challenge,
    user: User | None = None,
    *,
    expertise: tuple[str, ...] | None = None,
    ready: bool = True,
    **fields,
) -> Judge:
    """A judge of ``challenge``; ``ready`` means accepted, terms agreed and profile confirmed."""
    user = user or make_user()
    now = utcnow()
    judge = Judge(
        challenge=challenge,
        user=user if ready or fields.get("status") is JudgeStatus.ACTIVE else None,
        email=user.email,
        name=user.name,
        status=fields.pop("status", JudgeStatus.ACTIVE if ready else JudgeStatus.INVITED),
        languages=fields.pop("languages", ["en"]),
        capacity=fields.pop("capacity", 10),
        affiliation=fields.pop("affiliation", "University of Nairobi"),
        country=fields.pop("country", "GB"),
        accepted_at=now if ready else None,
        terms_accepted_at=now if ready else None,
        profile_confirmed_at=now if ready else None,
        **fields,
    )
    wanted = expertise if expertise is not None else tuple(c.name for c in challenge.categories)
    judge.expertise = [c for c in challenge.categories if c.name in wanted]
    db.session.add(judge)
    db.session.commit()
    return judge


def make_round(
    challenge: Challenge, name: str = "Screening", *, entries: list[Submission] = (), **fields
) -> Round:
    now = utcnow()
    round_ = Round(
        challenge=challenge,
        name=name,
        position=fields.pop("position", 1),
        judges_per_entry=fields.pop("judges_per_entry", 2),
        opens_at=fields.pop("opens_at", now - timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + timedelta(days=14)),
        **fields,
    )
    db.session.add(round_)
    db.session.flush()
    for submission in entries:
        db.session.add(RoundEntry(round_id=round_.id, submission_id=submission.id))
    db.session.commit()
    return round_


def make_assignment(round_: Round, judge: Judge, submission: Submission, **fields) -> Assignment:
    assignment = Assignment(
        round=round_,
        judge=judge,
        submission=submission,
        origin=fields.pop("origin", AssignmentOrigin.MANUAL),
        **fields,
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def make_conflict(
    judge: Judge, submission: Submission, *, source: ConflictSource = ConflictSource.DECLARED, **fields
) -> Conflict:
    conflict = Conflict(
        challenge_id=judge.challenge_id,
        judge=judge,
        submission=submission,
        source=source,
        reason=fields.pop("reason", ConflictReason.ADVISER),
        **fields,
    )
    db.session.add(conflict)
    db.session.commit()
    return conflict


def make_criterion(round_: Round, name: str = "Innovation", **fields) -> Criterion:
    criterion = Criterion(
        round=round_,
        name=name,
        position=fields.pop("position", 0),
        scale_min=fields.pop("scale_min", 1),
        scale_max=fields.pop("scale_max", 5),
        weight=fields.pop("weight", Decimal("1")),
        **fields,
    )
    db.session.add(criterion)
    db.session.commit()
    return criterion


def make_sheet(
    assignment: Assignment, marks: dict[Criterion, int] | None = None, *, submitted: bool = False, **fields
) -> ScoreSheet:
    """A score sheet with ``marks``; ``submitted`` also marks the assignment as scored."""
    sheet = ScoreSheet(
        assignment=assignment,
        status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
        submitted_at=utcnow() if submitted else None,
        **fields,
    )
    sheet.scores = [
        Score(criterion_id=criterion.id, value=value) for criterion, value in (marks or {}).items()
    ]
    if submitted:
        assignment.status = AssignmentStatus.SCORED
    db.session.add(sheet)
    db.session.commit()
    return sheet


def make_decision(submission: Submission, outcome: Outcome = Outcome.WINNER, **fields) -> Decision:
    """A staged decision on ``submission``."""
    decision = Decision(
        challenge_id=submission.challenge_id, submission=submission, outcome=outcome, **fields
    )
    db.session.add(decision)
    db.session.commit()
    return decision


def score_entries(
    round_: Round, totals: dict[tuple[Judge, Submission], dict[Criterion, int]], *, submitted: bool = True
) -> list[ScoreSheet]:
    """Assign and mark in one go: one sheet per (judge, entry) with the given marks."""
    sheets = []
    for (judge, submission), marks in totals.items():
        assignment = make_assignment(round_, judge, submission)
        sheets.append(make_sheet(assignment, marks, submitted=submitted))
    return sheets


@dataclass
class World:
    """A fixture world with a user in every role (HotCRP-style permission matrix).

    challenge: open, organised by ``organiser``; other_challenge: open, organised by ``other_organiser``.
    entrant_a (organisation A) owns ``submission_a`` (submitted) and ``draft_a`` in ``challenge``;
    entrant_b (organisation B) owns ``submission_b`` (submitted) in ``challenge``.
    ``round`` is the first round of ``challenge`` holding both submitted entries. Judges of ``challenge``
    (all ready): ``judge`` is assigned ``submission_a``; ``conflicted_judge`` has a declared conflict with
    ``submission_a`` and is assigned ``submission_b``; ``unassigned_judge`` has no assignment.
    ``other_judge`` judges ``other_challenge`` only. ``criteria``: the round's rubric (Innovation, weight 2;
    Impact; Team, optional and independent), each on a 1–5 scale.
    """

    admin: User
    organiser: User
    other_organiser: User
    entrant_a: User
    entrant_b: User
    organisation_a: Organisation
    organisation_b: Organisation
    challenge: Challenge
    other_challenge: Challenge
    draft_challenge: Challenge
    submission_a: Submission
    draft_a: Submission
    submission_b: Submission
    round: Round
    judge: User
    conflicted_judge: User
    unassigned_judge: User
    other_judge: User
    judge_membership: Judge
    conflicted_membership: Judge
    assignment_a: Assignment
    assignment_b: Assignment
    criteria: list[Criterion]

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


ROLES = (
    "anonymous",
    "entrant_a",
    "entrant_b",
    "judge",
    "conflicted_judge",
    "unassigned_judge",
    "other_judge",
    "organiser",
    "other_organiser",
    "admin",
)


def build_world() -> World:
    admin = make_user("admin@example.org", name="Ada Admin", admin=True)
    organiser = make_user("organiser@example.org", name="Olu Organiser")
    other_organiser = make_user("other.organiser@example.org", name="Oksana Other")
    organisation_a = make_organisation("Alpha Mesh Ltd", country="KE", employees=12)
    organisation_b = make_organisation("Beta Health", country="PE", employees=40)
    entrant_a = make_user("a@alpha.example", name="Amina Alpha", organisation=organisation_a)
    entrant_b = make_user("b@beta.example", name="Bruno Beta", organisation=organisation_b)
    challenge = make_challenge("Digital SME Awards", slug="sme-awards", organisers=[organiser])
    other_challenge = make_challenge("Innovation Challenge", slug="innovation", organisers=[other_organiser])
    draft_challenge = make_challenge(
        "Unpublished Call", slug="unpublished", organisers=[organiser], status=ChallengeStatus.DRAFT
    )
    submission_a = make_submission(challenge, organisation_a, title="Alpha mesh for clinics")
    draft_a = make_submission(challenge, organisation_a, status=SubmissionStatus.DRAFT, title="Alpha draft")
    submission_b = make_submission(challenge, organisation_b, title="Beta telehealth")
    round_ = make_round(challenge, entries=[submission_a, submission_b])
    judge = make_user("judy@jury.example", name="Judy Judge")
    conflicted_judge = make_user("conrad@jury.example", name="Conrad Conflicted")
    unassigned_judge = make_user("una@jury.example", name="Una Unassigned")
    other_judge = make_user("otto@jury.example", name="Otto Other")
    judge_membership = make_judge(challenge, judge)
    conflicted_membership = make_judge(challenge, conflicted_judge)
    make_judge(challenge, unassigned_judge)
    make_judge(other_challenge, other_judge)
    make_conflict(conflicted_membership, submission_a)
    assignment_a = make_assignment(round_, judge_membership, submission_a)
    assignment_b = make_assignment(round_, conflicted_membership, submission_b)
    criteria = [
        make_criterion(round_, "Innovation", position=0, weight=Decimal("2")),
        make_criterion(round_, "Impact", position=1),
        make_criterion(round_, "Team", position=2, required=False, independent=True),
    ]
    return World(
        admin, organiser, other_organiser, entrant_a, entrant_b, organisation_a, organisation_b,
        challenge, other_challenge, draft_challenge, submission_a, draft_a, submission_b,
        round_, judge, conflicted_judge, unassigned_judge, other_judge, judge_membership,
        conflicted_membership, assignment_a, assignment_b, criteria,
    )  # fmt: skip


def login(client: FlaskClient, user: User | None) -> FlaskClient:
    """Sign ``user`` in on ``client`` directly through the session (the login form has its own tests)."""
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


def csrf_token_in(page: str) -> str:
    """The CSRF token of the (first) form on an HTML page."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def read_outbox(app: Flask) -> list[email.message.EmailMessage]:
    folder = Path(app.config["OUTBOX_FOLDER"])
    if not folder.exists():
        return []
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def mail_body(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message: email.message.EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", mail_body(message))


def minimal_pdf() -> bytes:
    """A small valid one-page PDF."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
