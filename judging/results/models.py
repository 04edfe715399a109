"""Decisions per entry and the frozen results snapshots that publication makes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from judging.accounts.models import User
from judging.challenges.models import Challenge
from judging.database import enum_type, utcnow
from judging.extensions import db
from judging.submissions.models import Submission


class Outcome(enum.Enum):
    """The outcome of an entry, in order of rank (the first four are public once published)."""

    WINNER = "winner"
    RUNNER_UP = "runner_up"
    HONOURABLE_MENTION = "honourable_mention"
    FINALIST = "finalist"
    PARTICIPANT = "participant"
    NOT_SELECTED = "not_selected"

    @property
    def is_public(self) -> bool:
        return self in PUBLIC_OUTCOMES

    @property
    def order(self) -> int:
        return list(Outcome).index(self)


PUBLIC_OUTCOMES = frozenset({Outcome.WINNER, Outcome.RUNNER_UP, Outcome.HONOURABLE_MENTION, Outcome.FINALIST})


class Decision(db.Model):
    """The staged outcome of one entry. Publishing copies decisions into a ResultsSnapshot; later edits
    here change nothing public until the organisers publish again."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True)
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome))
    note: Mapped[str | None] = mapped_column(Text)  # for the organisers only
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship()
    submission: Mapped[Submission] = relationship()
    decided_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Decision {self.submission_id} {self.outcome.value}>"


class ResultsSnapshot(db.Model):
    """What one publication made public, frozen: standings, method, decisions and a hash of the inputs.

    Never updated: publishing again adds a snapshot with the next ``version`` (the highest is in force).
    ``data`` is plain JSON (see ``judging.results.publish_services``); ``inputs_hash`` is the SHA-256 of
    the canonical JSON of every mark and rubric setting the standings were computed from.
    """

    __tablename__ = "results_snapshots"
    __table_args__ = (UniqueConstraint("challenge_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was published again (required after the first)
    method: Mapped[str] = mapped_column(String(40))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column()

    challenge: Mapped[Challenge] = relationship()
    published_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ResultsSnapshot {self.challenge_id} v{self.version}>"
