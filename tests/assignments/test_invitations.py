"""Judges answer their invitation through the mailed link, accept the terms and confirm their details."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from judging import permissions
from judging.accounts.models import User, user_by_email
from judging.assignments.models import Judge, JudgeStatus
from judging.audit import AuditEvent
from judging.extensions import db
from tests.accounts.helpers import BASE_URL, link_path, mails_to, move_clock, sign_in, text
from tests.factories import PASSWORD, login, make_assignment, make_user

NEW_PASSWORD = "a quiet jury of owls"


def invite(client, world, **fields):
    """The organiser invites a judge through the form (E-health expertise unless told otherwise)."""
    login(client, world.organiser)
    data = {
        "name": "Nia Newcomer",
        "email": "nia@jury.example",
        "expertise": [str(world.challenge.categories[1].id)],
        "languages": ["en", "sw"],
        "capacity": "6",
        "affiliation": "Strathmore University",
        "country": "KE",
    }
    data.update(fields)
    response = client.post("/manage/sme-awards/jury/invite", data=data)
    assert response.status_code == 302, text(response)
    login(client, None)
    return db.session.scalar(select(Judge).where(Judge.email == data["email"].lower()))


def invitation_path(outbox, address: str) -> str:
    return link_path(mails_to(outbox(), address)[-1])


def accept_as_newcomer(client, path: str, **fields):
    data = {"answer": "accept", "name": "Nia Newcomer", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    data.update(fields)
    return client.post(path, data=data)


# The whole way, for someone new --------------------------------------------------------------------------


def test_a_new_judge_follows_the_link_sets_a_password_accepts_the_terms_and_confirms_details(
    client, world, outbox
):
    judge = invite(client, world)
    (mail,) = mails_to(outbox(), "nia@jury.example")
    assert mail["Subject"] == "Invitation to judge Digital SME Awards"
    assert "The link works for 30 days, until you answer." in mail.get_content()
    assert "Olu Organiser invites you to join the jury of Digital SME Awards" in mail.get_content()
    path = link_path(mail)
    assert path.startswith("/judging/invitation/")
    assert f"{BASE_URL}{path}" in mail.get_content()

    response = client.get(path)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = text(response)
    assert "Invitation to judge Digital SME Awards" in page
    assert "Olu Organiser" in page and "E-health" in page
    assert "keep every entry, score and discussion confidential" in page  # the default terms
    response = accept_as_newcomer(client, path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/judging/sme-awards/terms"
    user = user_by_email("nia@jury.example")
    assert user.is_verified and user.name == "Nia Newcomer"
    db.session.refresh(judge)
    assert (judge.status, judge.user_id) == (JudgeStatus.ACTIVE, user.id)
    assert judge.accepted_at is not None and not judge.is_ready

    # Signed in already: the terms come first, the profile is refused until then.
    assert client.get("/judging/sme-awards/profile").headers["Location"] == "/judging/sme-awards/terms"
    page = text(client.get("/judging/sme-awards/terms"))
    assert "Judging terms of Digital SME Awards" in page
    refused = client.post("/judging/sme-awards/terms", data={})
    assert "Tick the box to agree to the terms." in text(refused)
    response = client.post("/judging/sme-awards/terms", data={"agree": "y"})
    assert response.headers["Location"] == "/judging/sme-awards/profile"
    db.session.refresh(judge)
    assert judge.terms_accepted_at is not None and judge.profile_confirmed_at is None
    assert not permissions.is_ready_judge(world.challenge, user)

    page = text(client.get("/judging/sme-awards/profile"))
    assert 'value="6"' in page and "Strathmore University" in page
    response = client.post(
        "/judging/sme-awards/profile",
        data={
            "expertise": [str(c.id) for c in world.challenge.categories],
            "languages": ["en", "fr"],
            "capacity": "9",
            "affiliation": "Strathmore University",
            "country": "KE",
        },
    )

    assert response.headers["Location"] == "/judging/"  # the judge's dashboard
    db.session.refresh(judge)
    assert judge.is_ready and permissions.is_ready_judge(world.challenge, user)
    assert permissions.judge_for(world.challenge, user) == judge
    assert ([c.name for c in judge.expertise], judge.languages, judge.capacity) == (
        ["Connectivity", "E-health"],
        ["en", "fr"],
        9,
    )
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Judge")).all()
    assert actions == ["judge.invite", "judge.accept", "judge.terms_accepted", "judge.profile_confirmed"]


def test_a_new_judge_sees_each_problem_with_the_password_and_nothing_is_created(client, world, outbox):
    invite(client, world)
    path = invitation_path(outbox, "nia@jury.example")

    response = accept_as_newcomer(client, path, password="short", confirm="other")

    page = text(response)
    assert response.status_code == 200
    assert "Use at least 10 characters." in page
    assert 'value="Nia Newcomer"' in page
    assert user_by_email("nia@jury.example") is None


def test_accepting_without_the_forms_csrf_token_is_refused(app, client, world, outbox):
    invite(client, world)
    path = invitation_path(outbox, "nia@jury.example")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = accept_as_newcomer(client, path)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert "This form has expired or did not come from this site" in text(response)
    assert user_by_email("nia@jury.example") is None


def test_the_link_works_once(client, world, outbox):
    invite(client, world)
    path = invitation_path(outbox, "nia@jury.example")
    accept_as_newcomer(client, path)
    login(client, None)

    response = client.get(path)

    assert response.status_code == 400
    assert "This link has already been used." in text(response)


def test_an_expired_link_is_refused(client, world, outbox, monkeypatch):
    invite(client, world)
    path = invitation_path(outbox, "nia@jury.example")
    move_clock(monkeypatch, 31 * 24 * 3600)

    response = client.get(path)

    assert response.status_code == 400
    assert "This link has expired." in text(response)


def test_the_link_lifetime_follows_the_setting(app, client, world, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "JUDGE_INVITE_MAX_AGE", 3600)
    invite(client, world)
    assert "The link works for 1 hour, until you answer." in outbox()[0].get_content()
    path = invitation_path(outbox, "nia@jury.example")
    move_clock(monkeypatch, 2 * 3600)

    assert client.get(path).status_code == 400


# People who have an account, and people signed in as someone else ----------------------------------------


def test_an_existing_user_signs_in_first_then_accepts(client, world, outbox):
    make_user("kofi@jury.example", name="Kofi Mensah")
    judge = invite(client, world, email="kofi@jury.example", name="Kofi Mensah")
    path = invitation_path(outbox, "kofi@jury.example")

    page = text(client.get(path))
    assert "kofi@jury.example already has an account. Please sign in to accept" in page
    assert f"/login?next={path}" in page
    assert client.post(path, data={"answer": "accept"}).headers["Location"].startswith("/login")

    response = sign_in(client, "kofi@jury.example", PASSWORD, next=path)
    assert response.headers["Location"] == path
    assert "Accept the invitation" in text(client.get(path))
    response = client.post(path, data={"answer": "accept"})

    assert response.headers["Location"] == "/judging/sme-awards/terms"
    db.session.refresh(judge)
    assert judge.status is JudgeStatus.ACTIVE
    assert judge.user.email == "kofi@jury.example"


def test_a_user_signed_in_with_another_address_is_told_whom_the_invitation_is_for(client, world, outbox):
    judge = invite(client, world)
    path = invitation_path(outbox, "nia@jury.example")
    login(client, world.entrant_a)

    page = text(client.get(path))
    assert "This invitation is for nia@jury.example, but you are signed in as a@alpha.example." in page
    response = client.post(path, data={"answer": "accept"})
    assert response.status_code == 200
    assert "This invitation is for nia@jury.example" in text(response)
    client.post(path, data={"answer": "decline"})

    db.session.refresh(judge)
    assert judge.status is JudgeStatus.INVITED and judge.user_id is None


def test_an_unconfirmed_account_is_confirmed_by_accepting(client, world, outbox):
    make_user("kofi@jury.example", verified=False)
    invite(client, world, email="kofi@jury.example")
    path = invitation_path(outbox, "kofi@jury.example")
    login(client, user_by_email("kofi@jury.example"))

    client.post(path, data={"answer": "accept"})

    assert user_by_email("kofi@jury.example").is_verified


def test_an_invitee_can_decline_and_the_organisers_see_it(client, world, outbox):
    judge = invite(client, world)
    path = invitation_path(outbox, "nia@jury.example")

    response = client.post(path, data={"answer": "decline"}, follow_redirects=True)

    assert "You have declined the invitation." in text(response)
    db.session.refresh(judge)
    assert judge.status is JudgeStatus.DECLINED
    assert db.session.scalar(select(User).where(User.email == "nia@jury.example")) is None
    assert client.get(path).status_code == 400
    login(client, world.organiser)
    page = text(client.get("/manage/sme-awards/jury"))
    assert "Declined: 1" in page


# Resending and revoking ------------------------------------------------------------------------------------


def test_resending_mails_a_new_link_at_most_once_per_ten_minutes(client, world, outbox):
    judge = invite(client, world)
    login(client, world.organiser)

    too_soon = client.post(f"/manage/sme-awards/jury/{judge.id}/resend", follow_redirects=True)
    assert "was sent less than ten minutes ago. Please wait 10 more minutes" in text(too_soon)
    assert len(mails_to(outbox(), "nia@jury.example")) == 1

    judge.last_invited_at -= timedelta(minutes=11)
    db.session.commit()
    response = client.post(f"/manage/sme-awards/jury/{judge.id}/resend", follow_redirects=True)

    assert "We have sent the invitation to nia@jury.example again." in text(response)
    assert len(mails_to(outbox(), "nia@jury.example")) == 2
    db.session.refresh(judge)
    assert judge.last_invited_at > judge.invited_at


def test_a_revoked_judge_loses_the_link_and_sees_nothing_of_the_challenge(client, world, outbox):
    judge = invite(client, world)
    path = invitation_path(outbox, "nia@jury.example")
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/jury/{judge.id}/revoke", follow_redirects=True)

    assert "Nia Newcomer is no longer on the jury" in text(response)
    login(client, None)
    response = client.get(path)
    assert response.status_code == 400
    assert "This link is not valid." in text(response)
    assert accept_as_newcomer(client, path).status_code == 400
    assert user_by_email("nia@jury.example") is None


def test_revoking_an_active_judge_closes_their_pages_and_frees_their_entries(client, world):
    login(client, world.organiser)

    response = client.post(
        f"/manage/sme-awards/jury/{world.judge_membership.id}/revoke", follow_redirects=True
    )

    assert "1 entry lost a judge and needs another one." in text(response)
    assert permissions.judge_for(world.challenge, world.judge) is None
    login(client, world.judge)
    assert client.get("/judging/sme-awards/terms").status_code == 404
    assert client.get("/judging/sme-awards/profile").status_code == 404


def test_a_declined_judge_can_be_invited_again(client, world, outbox):
    judge = invite(client, world)
    client.post(invitation_path(outbox, "nia@jury.example"), data={"answer": "decline"})

    again = invite(client, world, capacity="4")

    assert again.id == judge.id
    assert (again.status, again.capacity) == (JudgeStatus.INVITED, 4)
    assert len(mails_to(outbox(), "nia@jury.example")) == 2
    assert client.get(invitation_path(outbox, "nia@jury.example")).status_code == 200


# Language of the mail, terms and capacity ------------------------------------------------------------------


def test_the_invitation_is_in_the_invitees_language_else_an_organisers(client, world, monkeypatch):
    from judging.assignments import judge_services

    languages: dict[str, str | None] = {}
    monkeypatch.setattr(
        judge_services,
        "send_template",
        lambda to, template, *, language, **ctx: languages.update({to: language}),
    )
    make_user("fatou@jury.example", language="fr")
    world.organiser.language = "es"
    db.session.commit()

    invite(client, world, email="fatou@jury.example")
    invite(client, world, email="nia@jury.example")

    assert languages == {"fatou@jury.example": "fr", "nia@jury.example": "es"}


def test_a_judge_cannot_lower_their_capacity_below_their_assignments(client, world):
    make_assignment(world.round, world.judge_membership, world.submission_b)
    login(client, world.judge)

    response = client.post(
        "/judging/sme-awards/profile",
        data={
            "expertise": [str(world.challenge.categories[0].id)],
            "languages": ["en"],
            "capacity": "1",
            "country": "GB",
        },
    )

    assert response.status_code == 200
    assert "The capacity cannot be below the 2 entries already assigned." in text(response)
    db.session.refresh(world.judge_membership)
    assert world.judge_membership.capacity == 10


def test_a_judge_keeps_at_least_one_category_and_one_language(client, world):
    login(client, world.judge)
    category = str(world.challenge.categories[0].id)

    no_category = client.post("/judging/sme-awards/profile", data={"languages": ["en"], "capacity": "5"})
    no_language = client.post("/judging/sme-awards/profile", data={"expertise": [category], "capacity": "5"})

    assert "Choose at least one category of expertise." in text(no_category)
    assert "Choose at least one language you can judge entries in." in text(no_language)
    db.session.refresh(world.judge_membership)
    assert world.judge_membership.capacity == 10


def test_the_organisers_terms_are_shown_to_judges(client, world):
    world.challenge.judging_terms = "Never **share** an entry."
    db.session.commit()
    login(client, world.unassigned_judge)

    page = client.get("/judging/sme-awards/terms").get_data(as_text=True)

    assert "Never <strong>share</strong> an entry." in page
    assert "You accepted these terms on" in page


def test_inviting_while_the_mail_server_is_down_invites_and_shows_the_failed_mail(
    app, client, world, outbox, monkeypatch
):
    from judging.jobs import Job, JobStatus
    from tests.ops.faults_kit import free_port

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    judge = invite(client, world)  # answers with the jury page, not an error

    assert judge.status is JudgeStatus.INVITED
    job = db.session.scalars(select(Job).where(Job.kind == "mail")).one()
    assert (job.status, job.challenge_id, job.params) == (
        JobStatus.FAILED,
        world.challenge.id,
        {"mail": "judge_invitation", "judge_id": judge.id, "actor_id": world.organiser.id},
    )
    jury = login(client, world.organiser).get("/manage/sme-awards/jury").get_data(as_text=True)
    assert f'href="/manage/sme-awards/jobs/{job.id}">The invitation mail could not be sent' in jury
    page = text(client.get(f"/manage/sme-awards/jobs/{job.id}"))
    assert "Mail" in page and "Retry" in page

    monkeypatch.delitem(app.config, "MAIL_SERVER")  # the server is back: retrying sends the invitation
    client.post(f"/manage/sme-awards/jobs/{job.id}/retry")
    assert len(mails_to(outbox(), "nia@jury.example")) == 1
    assert "could not be sent" not in client.get("/manage/sme-awards/jury").get_data(as_text=True)
