"""The demo's past edition in judging: last year's SME awards with a jury and a screening round."""

from __future__ import annotations

from dataclasses import dataclass
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
PUBLISHED_SLUG = "digital-sme-awards-2025"

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


@dataclass(frozen=True)
class Edition:
    """A past edition of the SME awards: its texts, its window (days from today) and which of the demo's
    submitted SME entries it holds (``every``: one in ``every``, from ``first``)."""

    slug: str
    title: str
    summary: str
    description: str
    opens_in: int
    closes_in: int
    first: int = 0
    every: int = 1
    in_judging: bool = True  # else its only round closed long ago (a finished edition)


JUDGING_EDITION = Edition(
    PAST_SLUG,
    "Digital SME Awards 2026",
    "Last year's edition, now being judged.",
    "The 2026 edition of the **Digital SME Awards**. Entries closed; the jury is at work.",
    -150,
    -30,
)
PUBLISHED_EDITION = Edition(
    PUBLISHED_SLUG,
    "Digital SME Awards 2025",
    "The 2025 edition: winners published, certificates issued.",
    "The 2025 edition of the **Digital SME Awards**. The results are published.",
    -515,
    -395,
    first=1,
    every=2,
    in_judging=False,
)


def add_past_edition(
    loader,
    organiser: User,
    members: list,
    entries: list[tuple],
    make_entry,
    edition: Edition = JUDGING_EDITION,
) -> Challenge:
    """Create a past edition, its eligible entries, its jury and its screening round with marks (once)."""
    from judging.extensions import db

    challenge, new = loader.challenge(
        edition.slug,
        title=edition.title,
        kind=ChallengeKind.AWARD,
        summary=edition.summary,
        description=edition.description,
        rules="Entrants were registered SMEs or start-ups with at most 250 employees.",
        timezone="Europe/Paris",
        opens_at=loader.midnight("Europe/Paris", edition.opens_in),
        closes_at=loader.midnight("Europe/Paris", edition.closes_in),
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
    submitted = [spec for spec in entries if spec[1] == "sme" and spec[5] is SubmissionStatus.SUBMITTED]
    for spec in submitted[edition.first :: edition.every]:
        organisation, author = members[spec[0]]
        make_entry(loader, challenge, organisation, author, (*spec[:5], SubmissionStatus.ELIGIBLE, spec[6]))
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
    if edition.in_judging:
        window = (now - timedelta(days=2), loader.midnight("Europe/Paris", 19))
    else:
        window = tuple(loader.midnight("Europe/Paris", edition.closes_in + days) for days in (5, 40))
    screening = Round(
        challenge=challenge,
        position=1,
        name="Screening",
        judges_per_entry=3,
        opens_at=window[0],
        closes_at=window[1],
        shortlist_size=None if edition.in_judging else 2,
    )
    db.session.add(screening)
    if edition.in_judging:
        final = Round(
            challenge=challenge,
            position=2,
            name="Final",
            judges_per_entry=5,
            opens_at=loader.midnight("Europe/Paris", 25),
            closes_at=loader.midnight("Europe/Paris", 40),
        )
        db.session.add(final)
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
    sheets = add_marks(screening, judges, entries, seed=edition.closes_in, complete=not edition.in_judging)
    loader.summary.count("judges", len(JUDGES))
    loader.summary.count("score sheets", sheets)
    return challenge


SIGNATURE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60">'
    b'<path d="M5 45 C25 5 40 5 45 40 S70 55 80 25 S110 5 120 35 S150 50 165 20 S190 30 195 35" '
    b'fill="none" stroke="#1b1f24" stroke-width="3" stroke-linecap="round"/></svg>'
)
LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">'
    b'<rect x="2" y="2" width="36" height="36" rx="8" fill="#0b3d91"/>'
    b'<path d="M10 28 L20 12 L30 28 Z" fill="#c99700"/></svg>'
)
DEMO_DESIGN = {
    "title_line": None,
    "signatories": (("Olga Organiser", "Programme director"), ("Dr. Grace Mutua", "Chair of the jury")),
    "primary_colour": "#0b3d91",
    "accent_colour": "#c99700",
    "participation": True,
    "logo": (LOGO_SVG, "logo.svg"),
    "signature": (SIGNATURE_SVG, "signature.svg"),
}


def publish_edition(slug: str = PUBLISHED_SLUG) -> bool:
    """Decide, publish and issue the certificates of a finished edition (once): decisions as the
    standings suggest, feedback for entrants and participation certificates on. Runs after the rest of
    the demo is committed, through the same services organisers use (each commits). Returns whether
    anything was done."""
    from judging.certificates.design_services import DesignChange, save_design
    from judging.certificates.services import issue_certificates
    from judging.extensions import db
    from judging.results.decision_services import decision_table, stage_decisions, suggested_outcomes
    from judging.results.publish_services import publish_results, published

    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None or published(challenge) is not None:
        return False
    organiser = challenge.organisers[0]
    challenge.feedback_to_entrants = True
    db.session.commit()
    stage_decisions(challenge, suggested_outcomes(decision_table(challenge)), actor=organiser)
    publish_results(challenge, reason=None, actor=organiser)
    save_design(challenge, DesignChange(**DEMO_DESIGN), actor=organiser)
    issue_certificates(challenge, actor=organiser)
    return True
