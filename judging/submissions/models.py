"""Entries, their answers to a challenge's questions, and their pitch decks."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from judging.accounts.models import Organisation, User
from judging.challenges.models import Category, Challenge, EntryQuestion
from judging.core.lifecycle import SubmissionStatus
from judging.database import enum_type, utcnow
from judging.extensions import db


class Stage(enum.Enum):
    IDEA = "idea"
    PROTOTYPE = "prototype"
    MARKET = "market"
    SCALING = "scaling"


class Submission(db.Model):
    """An organisation's entry in one category of a challenge."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_type(SubmissionStatus), default=SubmissionStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str | None] = mapped_column(Text)
    business_model: Mapped[str | None] = mapped_column(Text)
    impact: Mapped[str | None] = mapped_column(Text)
    sdgs: Mapped[list[int]] = mapped_column(default=list)
    stage: Mapped[Stage | None] = mapped_column(enum_type(Stage))
    video_url: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str | None] = mapped_column(String(10))  # the language the entry is written in
    screening_reason: Mapped[str | None] = mapped_column(Text)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    screened_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship()
    category: Mapped[Category] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    screened_by: Mapped[User | None] = relationship(foreign_keys=[screened_by_id])
    answers: Mapped[list[Answer]] = relationship(back_populates="submission", cascade="all, delete-orphan")
    deck: Mapped[Deck | None] = relationship(
        back_populates="submission",
        primaryjoin="and_(Deck.submission_id == Submission.id, Deck.replaced_at.is_(None))",
        viewonly=True,
        uselist=False,
    )

    def answer_for(self, question_id: int) -> Any:
        for answer in self.answers:
            if answer.question_id == question_id:
                return answer.value
        return None

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.status.value}>"


class Answer(db.Model):
    """A submission's answer to one entry question; ``value`` is a string, number or list by kind."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("submission_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("entry_questions.id"))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)  # str, number or list of str, by kind

    submission: Mapped[Submission] = relationship(back_populates="answers")
    question: Mapped[EntryQuestion] = relationship()


class Deck(db.Model):
    """A pitch deck file stored under a generated name; replaced decks are kept, marked replaced."""

    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    storage_name: Mapped[str] = mapped_column(String(100), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_at: Mapped[datetime | None]

    submission: Mapped[Submission] = relationship(back_populates="deck", foreign_keys=[submission_id])
