"""The audit log is append-only, and a change records exactly the fields that changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from judging.audit import AuditEvent, record, update
from judging.extensions import db
from tests.factories import make_user


def test_an_audit_row_cannot_be_changed_or_deleted(app):
    actor = make_user()
    event = record("user.test", actor, actor=actor, before={"a": 1}, after={"a": 2})
    db.session.commit()

    event.action = "rewritten"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()

    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "user.test"


def test_update_sets_and_records_only_the_fields_that_change(app):
    actor = make_user(name="Ada Organiser")
    user = make_user(name="Old name", country="KE")

    changed = update(
        user,
        {"name": "New name", "country": "KE"},
        "user.test",
        actor=actor,
        describe=lambda values: {key: f"«{value}»" for key, value in values.items()},
    )
    db.session.commit()

    assert changed == {"name": "New name"}
    assert (user.name, user.country) == ("New name", "KE")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.test")).one()
    assert (event.object_id, event.actor_id) == (user.id, actor.id)
    assert (event.before, event.after) == ({"name": "«Old name»"}, {"name": "«New name»"})


def test_update_without_a_change_writes_nothing(app):
    user = make_user(name="Same")

    assert update(user, {"name": "Same"}, "user.test", actor=None) == {}
    db.session.commit()

    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.test")).all() == []
