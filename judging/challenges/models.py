"""Challenges, their categories, organisers and entry forms."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from judging.accounts.models import User
from judging.core.eligibility import Policy
from judging.core.lifecycle import ChallengeStatus, Window, accepts_entries, clock_status
from judging.database import enum_type, utcnow
from judging.extensions import db


class ChallengeKind(enum.Enum):
    CHALLENGE = "challenge"
    AWARD = "award"


challenge_organisers = Table(
    "challenge_organisers",
    db.metadata,
    Column("challenge_id", ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

entry_question_categories = Table(
    "entry_question_categories",
    db.metadata,
    Column("question_id", ForeignKey("entry_questions.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Challenge(db.Model):
    """One call for entries (a challenge or an award) with its window, policy and lifecycle."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ChallengeKind] = mapped_column(enum_type(ChallengeKind), default=ChallengeKind.CHALLENGE)
    summary: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)  # Markdown, sanitised on display
    rules: Mapped[str | None] = mapped_column(Text)  # Markdown, sanitised on display
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    status: Mapped[ChallengeStatus] = mapped_column(enum_type(ChallengeStatus), default=ChallengeStatus.DRAFT)
    max_employees: Mapped[int | None]
    allowed_countries: Mapped[list[str]] = mapped_column(default=list)
    max_entries_per_organisation: Mapped[int | None]
    judging_terms: Mapped[str | None] = mapped_column(Text)  # Markdown: what judges agree to
    # Judges never meet entries from their own country when set.
    conflict_same_country: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Results: renamed outcome labels (Outcome value -> label), winners allowed per category, and
    # whether entrants read a feedback report once results are published.
    outcome_labels: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    winners_per_category: Mapped[int] = mapped_column(default=1, server_default="1")
    feedback_to_entrants: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The language the texts are written in (shown when a reader's language has no translation), the
    # certificates' language (None: each recipient's own), and the texts in other languages:
    # {"fr": {"title": "...", ...}} (see ``judging.challenges.content_languages``).
    content_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    certificate_language: Mapped[str | None] = mapped_column(String(8))
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisers: Mapped[list[User]] = relationship(
        secondary=challenge_organisers, back_populates="organised_challenges", order_by="User.name"
    )
    categories: Mapped[list[Category]] = relationship(
        back_populates="challenge", order_by="Category.position, Category.id", cascade="all, delete-orphan"
    )
    questions: Mapped[list[EntryQuestion]] = relationship(
        back_populates="challenge",
        order_by="EntryQuestion.position, EntryQuestion.id",
        cascade="all, delete-orphan",
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def window(self) -> Window:
        return Window(self.opens_at, self.closes_at)

    def current_status(self, now: datetime | None = None) -> ChallengeStatus:
        """The status with the clock applied (an open challenge past its deadline is closed)."""
        return clock_status(self.status, self.window, now or utcnow())

    def accepts_entries(self, now: datetime | None = None) -> bool:
        return accepts_entries(self.status, self.window, now or utcnow())

    @property
    def policy(self) -> Policy:
        return Policy(
            max_employees=self.max_employees,
            allowed_countries=frozenset(self.allowed_countries or ()),
            max_entries_per_organisation=self.max_entries_per_organisation,
        )

    @property
    def is_public(self) -> bool:
        return self.status is not ChallengeStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Challenge {self.slug}>"


class Category(db.Model):
    """A track of a challenge; entries, judges' expertise and winners are per category."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("challenge_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    challenge: Mapped[Challenge] = relationship(back_populates="categories")

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name}>"


class QuestionKind(enum.Enum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    URL = "url"


class EntryQuestion(db.Model):
    """A question the organisers added to a challenge's entry form, optionally for some categories only."""

    __tablename__ = "entry_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    required: Mapped[bool] = mapped_column(default=False)
    max_words: Mapped[int | None]  # long text
    max_length: Mapped[int | None]  # short text, characters
    choices: Mapped[list[str]] = mapped_column(default=list)  # single and multiple choice
    min_value: Mapped[float | None]  # number
    max_value: Mapped[float | None]  # number
    retired_at: Mapped[datetime | None]  # answered questions are retired, never deleted
    # {"fr": {"label": ..., "help_text": ..., "choices": [one label per default choice]}}
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    challenge: Mapped[Challenge] = relationship(back_populates="questions")
    categories: Mapped[list[Category]] = relationship(
        secondary=entry_question_categories, order_by="Category.position"
    )

    def applies_to(self, category_id: int | None) -> bool:
        """Whether the question belongs on the form of an entry in this category (all, when unlimited)."""
        return not self.categories or any(cat.id == category_id for cat in self.categories)

    def describe(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind.value, "required": self.required}
