"""``flask --app judging create-admin``: the first administrator, through the same service as everything."""

from __future__ import annotations

from sqlalchemy import select

from judging.accounts.models import user_by_email
from judging.accounts.passwords import verify_password
from judging.audit import AuditEvent
from judging.extensions import db
from tests.factories import PASSWORD, make_user


def _create_admin(app, *args: str):
    return app.test_cli_runner().invoke(args=["create-admin", *args])


def test_create_admin_makes_a_confirmed_administrator(app):
    result = _create_admin(
        app, "--email", "Root@Example.org", "--name", "Rosa Root", "--password", "a long admin passphrase"
    )

    assert result.exit_code == 0, result.output
    assert "Administrator ready: root@example.org" in result.output
    admin = user_by_email("root@example.org")
    assert admin.is_admin and admin.is_verified and admin.name == "Rosa Root"
    assert verify_password(admin.password_hash, "a long admin passphrase")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.made_admin"))
    assert event.object_id == admin.id


def test_create_admin_promotes_an_existing_account_and_keeps_its_password(app):
    user = make_user("olu@example.org", name="Olu", verified=False)

    result = _create_admin(app, "--email", "olu@example.org", "--name", "Ignored", "--password", "x" * 12)

    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.is_admin and user.is_verified and user.name == "Olu"
    assert verify_password(user.password_hash, PASSWORD)


def test_create_admin_refuses_a_short_password_or_a_bad_address(app):
    short = _create_admin(app, "--email", "root@example.org", "--name", "Rosa", "--password", "short")
    bad = _create_admin(app, "--email", "root@", "--name", "Rosa", "--password", "a long admin passphrase")

    assert short.exit_code != 0 and "Use at least 10 characters." in short.output
    assert bad.exit_code != 0 and "Enter a valid email address." in bad.output
    assert user_by_email("root@example.org") is None
