"""Rubrics (criteria per round), score sheets and marks, and the record of reminders sent."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from judging.assignments.models import Assignment, Judge, Round
from judging.database import enum_type, utcnow
from judging.extensions import db


class Criterion(db.Model):
    """One criterion of a round's rubric. Criteria that marks refer to are retired, never deleted.

    ``guide`` maps a score level (as a string, e.g. "1", "3", "5") to what that level looks like.
    An ``independent`` criterion is shown and marked but left out of the total.
    """

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    guide: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 3), default=Decimal("1"))
    required: Mapped[bool] = mapped_column(default=True)
    independent: Mapped[bool] = mapped_column(default=False)
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {"fr": {"name": ..., "description": ..., "guide": {"1": ..., "5": ...}}}
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    round: Mapped[Round] = relationship()

    def __repr__(self) -> str:
        return f"<Criterion {self.id} {self.name}>"


class SheetStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ScoreSheet(db.Model):
    """A judge's marks for one assignment. ``version`` grows by one with every save (optimistic locking)."""

    __tablename__ = "score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    status: Mapped[SheetStatus] = mapped_column(enum_type(SheetStatus), default=SheetStatus.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    feedback: Mapped[str | None] = mapped_column(Text)  # for the entrant
    private_note: Mapped[str | None] = mapped_column(Text)  # for the organisers only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    assignment: Mapped[Assignment] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="sheet", cascade="all, delete-orphan")

    def marks(self) -> dict[int, int]:
        """Criterion id -> mark."""
        return {score.criterion_id: score.value for score in self.scores}


class Score(db.Model):
    """One mark: a sheet's value for one criterion."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"), index=True)
    value: Mapped[int]

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class Reminder(db.Model):
    """A reminder mail sent to a judge about unfinished work in a round (so none is sent twice too soon)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judges.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    unfinished: Mapped[int] = mapped_column(default=0)

    judge: Mapped[Judge] = relationship()
