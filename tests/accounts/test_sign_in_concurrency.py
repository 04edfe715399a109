"""Signing in while other requests write: the slow password check must not hold a transaction open."""

from __future__ import annotations

from sqlalchemy import update

from judging.accounts import services
from judging.accounts.models import User
from judging.extensions import db
from tests.factories import PASSWORD, make_user


def test_sign_in_succeeds_when_another_writer_commits_during_the_password_check(app, monkeypatch):
    user_id = make_user("amina@example.org").id
    other_id = make_user("bruno@example.org", name="Bruno").id
    db.session.remove()
    real_verify = services.verify_password

    def verify_while_another_worker_writes(password_hash, password):
        matches = real_verify(password_hash, password)
        with db.engine.connect() as connection:  # another worker's write lands during the check
            connection.execute(update(User).where(User.id == other_id).values(name="Bruno B."))
            connection.commit()
        return matches

    monkeypatch.setattr(services, "verify_password", verify_while_another_worker_writes)

    signed_in = services.authenticate("amina@example.org", PASSWORD)

    assert signed_in.id == user_id
    db.session.remove()
    assert db.session.get(User, user_id).last_login_at is not None
    assert db.session.get(User, other_id).name == "Bruno B."
