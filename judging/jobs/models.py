"""The persisted record of a background job: what to run, its state, progress, outcome and timing.

The row is the truth the pages show, whichever back-end runs the job (in-process threads or RQ workers):
a back-end only carries the job's id to ``judging.jobs.runner.execute``, which writes its progress and
outcome here.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from judging.accounts.models import User
from judging.challenges.models import Challenge
from judging.database import enum_type, utcnow
from judging.extensions import db


class JobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)

# The only state changes there are; ``judging.jobs.services`` and ``runner`` make them.
TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.FAILED}),
    JobStatus.RUNNING: frozenset({JobStatus.DONE, JobStatus.FAILED}),
    JobStatus.DONE: frozenset(),
    JobStatus.FAILED: frozenset({JobStatus.QUEUED}),  # a retry
}


class Job(db.Model):
    """One background job of a registered ``kind`` with its JSON ``params``.

    ``done`` of ``total`` is its progress; ``heartbeat_at`` the last sign of life of a running job;
    ``attempts`` how many times it started; ``backend`` which back-end ran it last and ``backend_id`` that
    back-end's id for it (an RQ job id), used to notice a job whose worker died. ``error`` is the message
    users see when it failed (the traceback goes to the log only).
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus), default=JobStatus.QUEUED, index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    result: Mapped[dict[str, Any] | None]
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    backend: Mapped[str | None] = mapped_column(String(20))
    backend_id: Mapped[str | None] = mapped_column(String(64))

    challenge: Mapped[Challenge | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else min(100, self.done * 100 // self.total)
