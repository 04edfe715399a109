"""Cross-site POSTs: with CSRF protection on (as in production), a state-changing POST without this
session's token is refused with 400 and changes nothing.

The suite's application turns the check off for convenience; these tests turn it back on for their
requests (the check reads the setting on each request, as ``test_sessions`` does).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from judging.accounts.models import User
from judging.audit import AuditEvent
from judging.certificates.models import Certificate
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.extensions import db
from judging.results.models import ResultsSnapshot
from judging.scoring.models import ScoreSheet
from judging.submissions.models import Submission
from tests.access.certificates import publish_and_issue
from tests.factories import PASSWORD, csrf_token_in, login

REFUSED = "did not come from this site, so nothing was saved"


@pytest.fixture
def protected(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return app


def token_of(client, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    return csrf_token_in(html)


def signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_rows() -> int:
    return count(AuditEvent)


def test_sign_in_without_a_token_is_refused(protected, client, world):
    response = client.post("/login", data={"email": "a@alpha.example", "password": PASSWORD})

    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)
    assert not signed_in(client)
    assert db.session.get(User, world.entrant_a.id).last_login_at is None


def test_sign_in_with_this_sessions_token_works(protected, client, world):
    token = token_of(client, "/login")

    response = client.post(
        "/login", data={"email": "a@alpha.example", "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 302
    assert signed_in(client)


def test_a_token_from_another_session_is_refused(protected, app, client, world):
    attacker = app.test_client()
    token = token_of(attacker, "/login")

    response = client.post(
        "/login", data={"email": "a@alpha.example", "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 400
    assert not signed_in(client)


def test_score_save_without_a_token_is_refused(protected, client, world):
    login(client, world.judge)
    marks = {f"mark-{criterion.id}": "5" for criterion in world.criteria[:2]}
    data = {**marks, "feedback": "Forged", "version": "0", "action": "submit"}

    response = client.post(f"/judging/sme-awards/entries/{world.assignment_a.id}/score", data=data)

    assert response.status_code == 400
    assert count(ScoreSheet) == 0
    assert audit_rows() == 0


def test_publishing_without_a_token_is_refused(protected, client, world):
    publish_and_issue(world, issue=False)
    db.session.execute(ResultsSnapshot.__table__.delete())
    db.session.commit()
    events = audit_rows()
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/results/publish", data={"confirm": "y", "reason": "Forged"})

    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)
    assert count(ResultsSnapshot) == 0
    assert audit_rows() == events


def test_issuing_certificates_without_a_token_is_refused(protected, client, world):
    publish_and_issue(world, issue=False)
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/certificates/issue")

    assert response.status_code == 400
    assert count(Certificate) == 0


def test_submitting_an_entry_without_a_token_is_refused(protected, client, world):
    login(client, world.entrant_a)

    response = client.post(f"/entries/{world.draft_a.id}/edit", data={"action": "submit", "title": "Forged"})

    assert response.status_code == 400
    draft = db.session.get(Submission, world.draft_a.id)
    assert (draft.status, draft.title) == (SubmissionStatus.DRAFT, "Alpha draft")


@pytest.mark.parametrize(
    ("user", "path", "data"),
    [
        ("entrant_a", "/account", {"name": "Forged", "country": "KE", "language": "en"}),
        ("entrant_a", "/account/email", {"email": "forged@evil.example", "password": PASSWORD}),
        ("entrant_a", "/organisation/invite", {"email": "forged@evil.example"}),
        ("entrant_a", "/entries/{withdrawable}/withdraw", {}),
        ("organiser", "/manage/sme-awards/status", {"status": "closed"}),
        ("organiser", "/manage/sme-awards/entries/{withdrawable}/screen", {"decision": "ineligible"}),
        ("organiser", "/manage/sme-awards/organisers", {"email": "other.organiser@example.org"}),
        ("judge", "/judging/sme-awards/assignments/{assignment}/recuse", {"reason": "Forged"}),
        ("entrant_a", "/logout", {}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_state_changing_posts_without_a_token_change_nothing(
    protected, client, world, outbox, user, path, data
):
    login(client, getattr(world, user))
    url = path.format(withdrawable=world.submission_a.id, assignment=world.assignment_a.id)
    events = audit_rows()

    response = client.post(url, data=data)

    assert response.status_code == 400
    assert audit_rows() == events
    assert outbox() == []
    assert signed_in(client)
    assert db.session.get(User, world.entrant_a.id).name == "Amina Alpha"
    assert db.session.get(Submission, world.submission_a.id).status is SubmissionStatus.SUBMITTED
    assert world.challenge.current_status() is ChallengeStatus.OPEN
