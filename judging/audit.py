"""The append-only audit log: who changed what, when, from what to what.

The application only ever inserts audit rows; no code path updates or deletes them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from judging import security_log
from judging.accounts.models import User
from judging.database import utcnow
from judging.extensions import db


class AuditEvent(db.Model):
    """One recorded change. ``before`` and ``after`` hold the changed fields only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id"), index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]

    actor: Mapped[User | None] = relationship()


def record(
    action: str,
    obj: Any,
    *,
    actor: User | None,
    challenge_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit row to the current transaction (the caller commits). Side effect: ``session.add``."""
    event = AuditEvent(
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        actor_id=actor.id if actor is not None else None,
        challenge_id=challenge_id,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    db.session.add(event)
    security_log.audited(db.session, action, event.object_type, event.object_id, event.actor_id)
    return event


def changes(obj: Any, fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (before, after) pair for the fields whose new value differs from the object's current one."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, new in fields.items():
        old = getattr(obj, name)
        if old != new:
            before[name], after[name] = old, new
    return before, after


def update(
    obj: Any,
    fields: dict[str, Any],
    action: str,
    *,
    actor: User | None,
    challenge_id: int | None = None,
    describe: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Set each field of ``obj`` whose value changes and record one ``action`` event with the old and
    new values (as ``describe`` shows them, when given); when nothing changes, nothing is written.
    Returns the changed fields' new values. The caller commits."""
    before, after = changes(obj, fields)
    if after:
        for name, value in after.items():
            setattr(obj, name, value)
        shown = describe or (lambda values: values)
        record(action, obj, actor=actor, challenge_id=challenge_id, before=shown(before), after=shown(after))
    return after


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
        elif hasattr(value, "value") and not isinstance(value, int | float | str):
            out[key] = value.value
        else:
            out[key] = value
    return out


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper: object, connection: object, target: AuditEvent) -> None:
    """Audit rows are append-only: the ORM refuses to update or delete one."""
    raise PermissionError("audit events cannot be changed or deleted")
