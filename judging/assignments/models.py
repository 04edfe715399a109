"""Judges of a challenge, judging rounds, conflicts of interest and assignments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from judging.accounts.models import User
from judging.challenges.models import Category, Challenge
from judging.database import enum_type, utcnow
from judging.extensions import db
from judging.submissions.models import Submission


class JudgeStatus(enum.Enum):
    INVITED = "invited"
    ACTIVE = "active"  # accepted the invitation
    DECLINED = "declined"
    REVOKED = "revoked"


judge_expertise = Table(
    "judge_expertise",
    db.metadata,
    Column("judge_id", ForeignKey("judges.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Judge(db.Model):
    """A person's membership of a challenge's jury, from invitation to acceptance of the terms.

    ``user_id`` is set when the invitation is accepted. The judge sees entries only once
    ``terms_accepted_at`` and ``profile_confirmed_at`` are both set.
    """

    __tablename__ = "judges"
    __table_args__ = (UniqueConstraint("challenge_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    languages: Mapped[list[str]] = mapped_column(default=list)
    capacity: Mapped[int] = mapped_column(default=10)
    status: Mapped[JudgeStatus] = mapped_column(enum_type(JudgeStatus), default=JudgeStatus.INVITED)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    terms_accepted_at: Mapped[datetime | None]
    profile_confirmed_at: Mapped[datetime | None]

    challenge: Mapped[Challenge] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    expertise: Mapped[list[Category]] = relationship(secondary=judge_expertise, order_by="Category.position")

    @property
    def is_ready(self) -> bool:
        """Accepted, agreed to the terms and confirmed the profile: may be assigned and see entries."""
        return (
            self.status is JudgeStatus.ACTIVE
            and self.terms_accepted_at is not None
            and self.profile_confirmed_at is not None
        )

    def __repr__(self) -> str:
        return f"<Judge {self.id} {self.email} {self.status.value}>"


class Round(db.Model):
    """A judging stage of a challenge with its panel size, blind setting and window."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("challenge_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)  # 1 = first round
    name: Mapped[str] = mapped_column(String(120))
    judges_per_entry: Mapped[int] = mapped_column(default=3)
    blind: Mapped[bool] = mapped_column(default=False)
    bridge_judges: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # closed by hand before its closing time; reopening clears it
    # How the standings rank entries (a judging.core.ranking.Method value) and break ties (rule keys).
    ranking_method: Mapped[str] = mapped_column(String(40), default="judge_bias", server_default="judge_bias")
    tie_break: Mapped[list[str]] = mapped_column(default=lambda: ["median"], server_default='["median"]')
    shortlist_size: Mapped[int | None]  # entries per category that go through (the cut-off)
    outcome_released_at: Mapped[datetime | None]  # when entrants were told who goes through
    # The name in other languages: {"fr": {"name": "..."}} (see ``judging.challenges.content_languages``).
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship()

    def is_open(self, now: datetime | None = None) -> bool:
        """Whether judges may change their score sheets now: inside the window and not closed by hand."""
        now = now or utcnow()
        return (
            self.closed_at is None
            and (self.opens_at is None or now >= self.opens_at)
            and (self.closes_at is None or now < self.closes_at)
        )

    @property
    def is_first(self) -> bool:
        return self.position == 1

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.name}>"


class RoundEntry(db.Model):
    """An entry held by a round: every eligible entry for the first round, the shortlisted ones later."""

    __tablename__ = "round_entries"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    submission: Mapped[Submission] = relationship()


class ConflictSource(enum.Enum):
    DECLARED = "declared"
    ORGANISER = "organiser"
    DETECTED = "detected"


class ConflictReason(enum.Enum):
    EMPLOYER = "employer"
    INVESTOR = "investor"
    ADVISER = "adviser"
    COMPETITOR = "competitor"
    PERSONAL = "personal"
    SAME_ORGANISATION = "same_organisation"
    EMAIL_DOMAIN = "email_domain"
    MEMBER = "member"
    SAME_COUNTRY = "same_country"
    OTHER = "other"


class Conflict(db.Model):
    """A judge and an entry that must never meet. Removed conflicts are kept, marked removed.

    A removed detected conflict stays removed: detection does not bring it back.
    """

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("judge_id", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judges.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    source: Mapped[ConflictSource] = mapped_column(enum_type(ConflictSource))
    reason: Mapped[ConflictReason] = mapped_column(enum_type(ConflictReason))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    judge: Mapped[Judge] = relationship()
    submission: Mapped[Submission] = relationship()

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class AssignmentStatus(enum.Enum):
    ASSIGNED = "assigned"
    RECUSED = "recused"
    SCORED = "scored"


class AssignmentOrigin(enum.Enum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"


class Assignment(db.Model):
    """A judge's duty to score one entry in one round."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judges.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_type(AssignmentStatus), default=AssignmentStatus.ASSIGNED
    )
    origin: Mapped[AssignmentOrigin] = mapped_column(
        enum_type(AssignmentOrigin), default=AssignmentOrigin.AUTOMATIC
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recused_at: Mapped[datetime | None]
    recusal_reason: Mapped[str | None] = mapped_column(Text)

    round: Mapped[Round] = relationship()
    judge: Mapped[Judge] = relationship()
    submission: Mapped[Submission] = relationship()
