"""Certificates, each challenge's certificate design, and bulk builds of a challenge's certificates."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from judging.accounts.models import User
from judging.assignments.models import Judge
from judging.challenges.models import Challenge
from judging.database import enum_type, utcnow
from judging.extensions import db
from judging.submissions.models import Submission


class CertificateKind(enum.Enum):
    ACHIEVEMENT = "achievement"  # Winner, Runner-up or Honourable mention in a category
    FINALIST = "finalist"
    PARTICIPATION = "participation"  # every eligible entrant, when the organisers enable it
    JUDGE = "judge"  # appreciation, for judges who submitted marks


class Certificate(db.Model):
    """One certificate: what it says is frozen in ``data`` when it is issued (from the published results
    snapshot), so it never changes; its ``code`` never changes either and is what /verify/<code> checks.

    ``subject`` names the recipient within the challenge ("entry:<id>" or "judge:<id>"): with the kind
    it is unique, so issuing the same certificate twice, even at the same moment, gives one record.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("challenge_id", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CertificateKind] = mapped_column(enum_type(CertificateKind))
    subject: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    judge_id: Mapped[int | None] = mapped_column(ForeignKey("judges.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # at least 128 random bits
    recipient: Mapped[str] = mapped_column(String(300))
    award: Mapped[str] = mapped_column(String(200))  # e.g. "Winner", as the organisers named it
    category: Mapped[str | None] = mapped_column(String(200))
    snapshot_version: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # everything printed on it, as plain data
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))  # the cached PDF, by content
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    challenge: Mapped[Challenge] = relationship()
    submission: Mapped[Submission | None] = relationship()
    judge: Mapped[Judge | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Certificate {self.kind.value} {self.subject}>"


class CertificateDesign(db.Model):
    """How a challenge's certificates look: title line, signatories, signature image, logo and colours.

    Images are stored under the instance folder by generated name (``*_file``) after validation.
    ``signatories["people"]`` is a list of {"name": ..., "title": ...} (at most three).
    """

    __tablename__ = "certificate_designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), unique=True)
    title_line: Mapped[str | None] = mapped_column(String(200))
    signatories: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"people": [{"name", "title"}]}
    signature_file: Mapped[str | None] = mapped_column(String(100))
    logo_file: Mapped[str | None] = mapped_column(String(100))
    primary_colour: Mapped[str] = mapped_column(String(7), default="#0b3d91")
    accent_colour: Mapped[str] = mapped_column(String(7), default="#c99700")
    participation: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship()


class BuildStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CertificateBuild(db.Model):
    """A ZIP of all of a challenge's valid certificates, built in the background; ``done`` of ``total``
    is the progress the page shows."""

    __tablename__ = "certificate_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    status: Mapped[BuildStatus] = mapped_column(enum_type(BuildStatus), default=BuildStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    mail_links: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The background job that runs it (``judging.jobs``); None for a build run from the command line.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))

    challenge: Mapped[Challenge] = relationship()
