"""The audit log is append-only: the application cannot change or delete an audit row."""

from __future__ import annotations

import pytest

from judging.audit import AuditEvent, record
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
