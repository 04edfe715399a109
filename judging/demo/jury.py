"""The demo's past edition in judging: last year's SME awards with a jury and a screening round."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from judging.accounts.models import User
from judging.assignments.models import Judge, JudgeStatus, Round, RoundEntry
from judging.challenges.models import Category, Challenge, ChallengeKind
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.database import utcnow
from judging.demo.data import SME_CATEGORIES
from judging.demo.marks import add_marks

PAST_SLUG = "digital-sme-awards-2026"

JUDGING_TERMS = (
    "By judging you agree to:\n\n"
    "- keep every entry, score and discussion **confidential**;\n"
    "- declare any conflict of interest with an entrant as soon as you see it;\n"
    "- judge each entry on its merits, against the published criteria only."
)

# (name, email, affiliation, country, languages, expertise (category positions), capacity)
JUDGES = [
    ("Dr. Grace Mutua", "grace.mutua@jury.example", "Strathmore University", "KE", ["en", "fr"], [0, 2], 9),
    ("Carlos Méndez", "carlos.mendez@jury.example", "Banco Andino", "CO", ["es", "en"], [3], 9),
    ("Fatima Al-Sayed", "fatima.alsayed@jury.example", "Gulf Digital Fund", "AE", ["ar", "en"], [1, 3], 8),
    ("张伟", "zhang.wei@jury.example", "Tsinghua University", "CN", ["zh", "en"], [0, 1], 8),
    ("Ирина Смирнова", "irina.smirnova@jury.example", "Skolkovo Foundation", "RU", ["ru", "en"], [1], 7),
    ("Élodie Martin", "elodie.martin@jury.example", "Institut Pasteur de Dakar", "SN", ["fr", "en"], [2], 8),
    ("Rahul Verma", "rahul.verma@jury.example", "Indian Institute of Science", "IN", ["en"], [0, 2], 9),
    ("Ngozi Eze", "ngozi.eze@jury.example", "Lagos Business School", "NG", ["en"], [3], 8),
    ("Lars Nilsson", "lars.nilsson@jury.example", "Nordic Telecom Partners", "SE", ["en"], [0], 8),
    ("Ana Lucía Torres", "ana.torres@jury.example", "Universidad de Chile", "CL", ["es", "en"], [1, 2], 8),
    ("Samir Haddad", "samir.haddad@jury.example", "Maghreb Ventures", "MA", ["ar", "fr"], [3, 1], 7),
    ("Mei Tanaka", "mei.tanaka@jury.example", "Asia Health Lab", "JP", ["en"], [2], 7),
]


def add_past_edition(loader, organiser: User, members: list, entries: list[tuple], make_entry) -> Challenge:
    """Create the past edition, its eligible entries, its jury and its screening round (once)."""
    from judging.extensions import db

    challenge, new = loader.challenge(
        PAST_SLUG,
        title="Digital SME Awards 2026",
        kind=ChallengeKind.AWARD,
        summary="Last year's edition, now being judged.",
        description="The 2026 edition of the **Digital SME Awards**. Entries closed; the jury is at work.",
        rules="Entrants were registered SMEs or start-ups with at most 250 employees.",
        timezone="Europe/Paris",
        opens_at=loader.midnight("Europe/Paris", -150),
        closes_at=loader.midnight("Europe/Paris", -30),
        status=ChallengeStatus.JUDGING,
        max_employees=250,
        max_entries_per_organisation=2,
        judging_terms=JUDGING_TERMS,
    )
    if not new:
        return challenge
    challenge.organisers = [organiser]
    challenge.categories = [
        Category(name=n, description=d, position=i) for i, (n, d) in enumerate(SME_CATEGORIES)
    ]
    db.session.flush()
    for spec in entries:
        if spec[1] == "sme" and spec[5] is SubmissionStatus.SUBMITTED:
            organisation, author = members[spec[0]]
            make_entry(
                loader, challenge, organisation, author, (*spec[:5], SubmissionStatus.ELIGIBLE, spec[6])
            )
    now = utcnow()
    for name, email, affiliation, country, languages, expertise, capacity in JUDGES:
        user = loader.user(
            email, name, role="judge (SME awards 2026)" if not loader.judges else "", country=country
        )
        loader.judges += 1
        judge = Judge(
            challenge=challenge,
            user=user,
            email=email,
            name=name,
            affiliation=affiliation,
            country=country,
            languages=languages,
            capacity=capacity,
            status=JudgeStatus.ACTIVE,
            invited_by=organiser,
            accepted_at=now,
            terms_accepted_at=now,
            profile_confirmed_at=now,
        )
        judge.expertise = [challenge.categories[i] for i in expertise]
        db.session.add(judge)
    screening = Round(
        challenge=challenge,
        position=1,
        name="Screening",
        judges_per_entry=3,
        opens_at=now - timedelta(days=2),
        closes_at=loader.midnight("Europe/Paris", 19),
    )
    final = Round(
        challenge=challenge,
        position=2,
        name="Final",
        judges_per_entry=5,
        opens_at=loader.midnight("Europe/Paris", 25),
        closes_at=loader.midnight("Europe/Paris", 40),
    )
    db.session.add_all([screening, final])
    db.session.flush()
    from judging.submissions.models import Submission

    eligible = db.session.scalars(
        select(Submission.id).where(
            Submission.challenge_id == challenge.id, Submission.status == SubmissionStatus.ELIGIBLE
        )
    ).all()
    db.session.add_all(RoundEntry(round_id=screening.id, submission_id=entry_id) for entry_id in eligible)
    db.session.flush()
    judges = list(db.session.scalars(select(Judge).where(Judge.challenge_id == challenge.id)))
    entries = list(db.session.scalars(select(Submission).where(Submission.id.in_(eligible))))
    sheets = add_marks(screening, judges, entries)
    loader.summary.count("judges", len(JUDGES))
    loader.summary.count("score sheets", sheets)
    return challenge
