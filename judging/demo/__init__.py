"""The demo programmes: a digital SME awards programme and an innovation challenge, with entrants.

``load_demo`` is idempotent: it looks every object up by its natural key (email, slug, organisation
name, entry title) and creates only what is missing, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from judging.accounts.models import Organisation, User
from judging.accounts.passwords import hash_password
from judging.challenges.models import Category, Challenge, ChallengeKind, EntryQuestion, QuestionKind
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.core.text import normalise_name
from judging.database import utcnow
from judging.demo.data import CHALLENGE_TRACKS, ENTRIES, ORGANISATIONS, SME_CATEGORIES, SME_TRANSLATIONS
from judging.demo.jury import PUBLISHED_EDITION, add_past_edition, publish_edition
from judging.extensions import db
from judging.submissions.models import Answer, Submission

DEMO_PASSWORD = "demo password 2026"  # noqa: S105 (printed for the public demo)


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def count(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n

    def describe(self) -> str:
        made = ", ".join(f"{n} {kind}" for kind, n in sorted(self.created.items())) or "nothing new"
        lines = [f"Demo data loaded ({made}).", "Demo accounts:"]
        lines += [f"  {role:<28} {email}" for role, email in self.accounts]
        return "\n".join(lines)


def _local_midnight(zone: str, days_ahead: int) -> datetime:
    """UTC time of local midnight at the start of the day ``days_ahead`` days from today in ``zone``."""
    tz = ZoneInfo(zone)
    day = (utcnow().astimezone(tz) + timedelta(days=days_ahead)).date()
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(ZoneInfo("UTC"))


class _Loader:
    def __init__(self) -> None:
        self.summary = DemoSummary()
        self._hash: str | None = None
        self.judges = 0
        self.midnight = _local_midnight

    def password_hash(self) -> str:
        if self._hash is None:
            self._hash = hash_password(DEMO_PASSWORD)
        return self._hash

    def user(self, email: str, name: str, *, role: str, **fields) -> User:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=name,
                password_hash=self.password_hash(),
                email_verified_at=utcnow(),
                **fields,
            )
            db.session.add(user)
            self.summary.count("users")
        self.summary.accounts.append((role, email))
        return user

    def organisation(
        self, name: str, country: str, employees: int, founded: int, sector: str
    ) -> Organisation:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if organisation is None:
            organisation = Organisation(
                name=name,
                normalised_name=normalise_name(name),
                country=country,
                employees=employees,
                founded_year=founded,
                sector=sector,
                website=f"https://{normalise_name(name).replace(' ', '-') or 'org'}.example",
                description=f"{name} builds digital services for small businesses and their customers.",
            )
            db.session.add(organisation)
            self.summary.count("organisations")
        return organisation

    def challenge(self, slug: str, **fields) -> tuple[Challenge, bool]:
        challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
        if challenge is not None:
            return challenge, False
        challenge = Challenge(slug=slug, **fields)
        db.session.add(challenge)
        self.summary.count("challenges")
        return challenge, True


def _sme_awards(loader: _Loader, organiser: User) -> Challenge:
    challenge, new = loader.challenge(
        "digital-sme-awards-2027",
        title="Digital SME Awards 2027",
        kind=ChallengeKind.AWARD,
        summary="Recognising small and medium enterprises whose digital solutions connect and serve people.",
        description=(
            "The **Digital SME Awards** recognise small and medium-sized enterprises and start-ups "
            "whose digital products improve lives and livelihoods.\n\n"
            "Shortlisted entrants pitch live online to an international jury in the final round. "
            "Winners in each category receive a certificate of achievement and international visibility."
        ),
        rules=(
            "1. Entrants must be registered SMEs or start-ups with at most 250 employees.\n"
            "2. Each organisation may submit at most two entries.\n"
            "3. Applications close at midnight Central European Time.\n"
            "4. Entries and pitch decks must be in English, French or Spanish."
        ),
        timezone="Europe/Paris",
        opens_at=_local_midnight("Europe/Paris", -14),
        closes_at=_local_midnight("Europe/Paris", 60),
        status=ChallengeStatus.OPEN,
        max_employees=250,
        allowed_countries=[],
        max_entries_per_organisation=2,
    )
    if new:
        challenge.organisers = [organiser]
        challenge.categories = [
            Category(name=n, description=d, position=i) for i, (n, d) in enumerate(SME_CATEGORIES)
        ]
        challenge.questions = [
            EntryQuestion(
                position=0,
                label="In which countries is your solution used today?",
                kind=QuestionKind.SHORT_TEXT,
                required=True,
                max_length=200,
            ),
            EntryQuestion(
                position=1,
                label="How many active users or customers do you have?",
                kind=QuestionKind.NUMBER,
                required=True,
                min_value=0,
            ),
            EntryQuestion(
                position=2,
                label="How are you funded?",
                kind=QuestionKind.SINGLE_CHOICE,
                required=True,
                choices=["Revenue", "Grants", "Equity investment", "Loans", "Not yet funded"],
            ),
            EntryQuestion(
                position=3,
                label="Describe your data protection and privacy measures.",
                kind=QuestionKind.LONG_TEXT,
                required=False,
                max_words=200,
            ),
        ]
        _translate_sme_awards(challenge)
    return challenge


def _translate_sme_awards(challenge: Challenge) -> None:
    challenge.translations = {
        lang: {"title": texts["title"], "summary": texts["summary"]}
        for lang, texts in SME_TRANSLATIONS.items()
    }
    for index, category in enumerate(challenge.categories):
        category.translations = {
            lang: {"name": texts["categories"][index]} for lang, texts in SME_TRANSLATIONS.items()
        }
    funding = challenge.questions[2]
    funding.translations = {
        lang: {"label": texts["funding"], "choices": texts["choices"]}
        for lang, texts in SME_TRANSLATIONS.items()
    }


def _innovation_challenge(loader: _Loader, organiser: User) -> Challenge:
    challenge, new = loader.challenge(
        "innovation-challenge-2027",
        title="Innovation Challenge 2027",
        kind=ChallengeKind.CHALLENGE,
        summary="Three tracks for digital change-makers, ecosystem builders and women in tech.",
        description=(
            "The **Innovation Challenge** looks for the people and organisations driving digital change.\n\n"
            "About twenty first-round winners are narrowed to seven finalists, "
            "and one overall winner is chosen."
        ),
        rules="Open to organisations of any size from any country. One entry per organisation.",
        timezone="UTC",
        opens_at=_local_midnight("UTC", -7),
        closes_at=_local_midnight("UTC", 45),
        status=ChallengeStatus.OPEN,
        max_entries_per_organisation=2,
    )
    if new:
        challenge.organisers = [organiser]
        challenge.categories = [
            Category(name=n, description=d, position=i) for i, (n, d) in enumerate(CHALLENGE_TRACKS)
        ]
        challenge.questions = [
            EntryQuestion(
                position=0,
                label="Which communities benefit from your work?",
                kind=QuestionKind.LONG_TEXT,
                required=True,
                max_words=150,
            ),
            EntryQuestion(
                position=1,
                label="Which kinds of support would help you most?",
                kind=QuestionKind.MULTIPLE_CHOICE,
                required=False,
                choices=["Mentoring", "Investment", "Partnerships", "Visibility", "Policy dialogue"],
            ),
            EntryQuestion(
                position=2,
                label="Link to a public report or case study",
                kind=QuestionKind.URL,
                required=False,
            ),
        ]
    return challenge


def _entry(
    loader: _Loader, challenge: Challenge, organisation: Organisation, author: User, spec: tuple
) -> None:
    _, _, category_index, title, stage, status, sdgs = spec
    exists = db.session.scalar(
        select(Submission.id).where(Submission.challenge_id == challenge.id, Submission.title == title)
    )
    if exists is not None:
        return
    submission = Submission(
        challenge=challenge,
        category=challenge.categories[category_index],
        organisation=organisation,
        created_by=author,
        status=status,
        title=title,
        summary=f"{organisation.name}: {title}. A digital service built for the people who need it most.",
        problem="Small businesses and communities in our region lack affordable, reliable digital services.",
        solution=f"{title} combines low-cost hardware, mobile software and local partners.",
        business_model="Subscriptions from partner organisations and a small fee per transaction.",
        impact="Thousands of users reached in the first two years, most of them outside the capital.",
        sdgs=sdgs,
        stage=stage,
        video_url="https://video.example/pitch",
        language=author.language,
        submitted_at=utcnow() - timedelta(days=2) if status is not SubmissionStatus.DRAFT else None,
        withdrawn_at=utcnow() - timedelta(days=1) if status is SubmissionStatus.WITHDRAWN else None,
    )
    for question in challenge.questions:
        value = {
            QuestionKind.SHORT_TEXT: organisation.country,
            QuestionKind.NUMBER: 1200,
            QuestionKind.SINGLE_CHOICE: question.choices[0] if question.choices else None,
            QuestionKind.MULTIPLE_CHOICE: question.choices[:2],
            QuestionKind.LONG_TEXT: "Farmers, small shops and clinics in rural districts.",
            QuestionKind.URL: None,
        }[question.kind]
        if value is not None:
            submission.answers.append(Answer(question=question, value=value))
    db.session.add(submission)
    loader.summary.count("entries")


def load_demo() -> DemoSummary:
    """Create whatever part of the demo is missing, in one transaction, and say what was made."""
    loader = _Loader()
    loader.user("admin@example.org", "Ada Administrator", role="administrator", is_admin=True, language="en")
    sme_organiser = loader.user(
        "awards.organiser@example.org", "Olga Organiser", role="organiser (SME awards)", language="en"
    )
    innovation_organiser = loader.user(
        "challenge.organiser@example.org", "Omar Organiser", role="organiser (innovation)", language="fr"
    )
    db.session.flush()
    programmes = {
        "sme": _sme_awards(loader, sme_organiser),
        "innovation": _innovation_challenge(loader, innovation_organiser),
    }
    db.session.flush()
    members: list[tuple[Organisation, User]] = []
    for name, country, employees, founded, sector, person, email, language in ORGANISATIONS:
        organisation = loader.organisation(name, country, employees, founded, sector)
        role = "entrant" if not members else None
        user = loader.user(
            email, person, role=role or "", organisation=organisation, country=country, language=language
        )
        members.append((organisation, user))
    loader.summary.accounts = [row for row in loader.summary.accounts if row[0]]
    loader.summary.accounts.append(("entrants (one per organisation)", "e.g. mateo@andesconecta.example"))
    db.session.flush()
    for spec in ENTRIES:
        organisation, author = members[spec[0]]
        _entry(loader, programmes[spec[1]], organisation, author, spec)
    add_past_edition(loader, sme_organiser, members, ENTRIES, _entry)
    add_past_edition(loader, sme_organiser, members, ENTRIES, _entry, PUBLISHED_EDITION)
    loader.summary.accounts = [row for row in loader.summary.accounts if row[0]]
    db.session.commit()
    if publish_edition():
        loader.summary.count("published results")
    return loader.summary
