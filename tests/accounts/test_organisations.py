"""The entrant's organisation: create and edit it, invite colleagues, join, withdraw invitations."""

from __future__ import annotations

from sqlalchemy import func, select

from judging.accounts.models import Organisation, OrganisationInvitation
from judging.audit import AuditEvent
from judging.extensions import db
from tests.accounts.helpers import link_path, mails_to, move_clock, text
from tests.factories import login, make_user

GAMMA = {
    "name": "Gamma Robótica S.A.",
    "country": "PE",
    "website": "gamma.example/en",
    "employees": "8",
    "founded_year": "2020",
    "sector": "manufacturing",
    "description": "Low-cost robots for small farms.",
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_creating_an_organisation_makes_the_user_its_first_member(client, world):
    login(client, world.organiser)

    response = client.post("/organisation/new", data=GAMMA, follow_redirects=True)

    page = text(response)
    assert "Gamma Robótica S.A. is saved." in page
    assert "Peru" in page and "Manufacturing" in page
    organisation = world.organiser.organisation
    assert organisation.normalised_name == "gamma robotica"
    assert organisation.website == "https://gamma.example/en"
    assert (organisation.employees, organisation.founded_year) == (8, 2020)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.created"))
    assert (event.actor_id, event.object_id) == (world.organiser.id, organisation.id)


def test_the_organisation_form_explains_each_problem_and_keeps_what_was_typed(client, world):
    login(client, world.organiser)
    before = _count(Organisation)

    response = client.post(
        "/organisation/new",
        data={
            **GAMMA,
            "website": "javascript:alert(1)",
            "employees": "0",
            "founded_year": "1700",
            "description": "word " * 151,
        },
    )

    page = text(response)
    assert response.status_code == 200
    assert "Enter a web address starting with http:// or https://" in page
    assert "Enter a whole number of at least 1." in page
    assert "Enter a year between 1800 and" in page
    assert "Use at most 150 words (you wrote 151)." in page
    assert 'value="Gamma Robótica S.A."' in page
    assert 'value="javascript:alert(1)"' in page
    assert 'value="1700"' in page
    assert '<option selected value="manufacturing">' in page
    assert _count(Organisation) == before


def test_numbers_that_are_not_numbers_are_explained(client, world):
    login(client, world.organiser)

    response = client.post(
        "/organisation/new", data={**GAMMA, "employees": "a dozen", "website": "ftp://x.y"}
    )

    page = text(response)
    assert 'value="a dozen"' in page
    assert "Enter a web address starting with http:// or https://" in page
    assert world.organiser.organisation is None


def test_a_user_with_an_organisation_cannot_create_another(client, world):
    login(client, world.entrant_a)
    before = _count(Organisation)

    page = text(client.get("/organisation/new", follow_redirects=True))
    client.post("/organisation/new", data=GAMMA)

    assert "You already belong to Alpha Mesh Ltd." in page
    assert _count(Organisation) == before


def test_any_member_edits_the_organisation_and_the_change_is_audited(client, world):
    colleague = make_user("c@alpha.example", organisation=world.organisation_a)
    login(client, colleague)

    form = text(client.get("/organisation/edit"))
    assert '<option selected value="ict">' in form  # stored as "ICT" by older data: still recognised
    response = client.post(
        "/organisation/edit",
        data={"name": "Alpha Mesh Ltd", "country": "KE", "employees": "15", "sector": "ict"},
        follow_redirects=True,
    )

    assert "The organisation's details are saved." in text(response)
    assert world.organisation_a.employees == 15
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.updated"))
    assert event.before["employees"] == 12 and event.after["employees"] == 15


def test_a_user_without_an_organisation_is_offered_to_create_one(client, world):
    login(client, world.organiser)

    page = text(client.get("/organisation"))

    assert 'href="/organisation/new"' in page
    assert client.get("/organisation/edit").status_code == 404


def test_a_member_invites_a_colleague_who_joins_after_signing_in(app, client, world, outbox):
    login(client, world.entrant_a)
    newcomer = make_user("newcomer@example.org", name="Nia Newcomer")

    client.post("/organisation/invite", data={"email": "Newcomer@Example.org"})
    assert "newcomer@example.org" in text(client.get("/organisation"))
    (invitation_mail,) = mails_to(outbox(), "newcomer@example.org")
    path = link_path(invitation_mail)

    other = app.test_client()
    assert other.post(path).headers["Location"].startswith("/login?next=")
    login(other, newcomer)
    response = other.post(path, follow_redirects=True)

    assert "Welcome to Alpha Mesh Ltd." in text(response)
    assert newcomer.organisation_id == world.organisation_a.id
    invitation = db.session.scalar(select(OrganisationInvitation))
    assert invitation.accepted_by_id == newcomer.id and invitation.accepted_at is not None


def test_an_invitation_link_works_once(app, client, world, outbox):
    login(client, world.entrant_a)
    client.post("/organisation/invite", data={"email": "newcomer@example.org"})
    path = link_path(outbox()[0])
    other = login(app.test_client(), make_user("newcomer@example.org"))
    other.post(path)

    second = login(app.test_client(), make_user("someone.else@example.org"))
    response = second.get(path)

    assert response.status_code == 400
    assert "This link has already been used." in text(response)
    assert second.post(path).status_code == 400


def test_an_expired_invitation_is_refused(app, client, world, outbox, monkeypatch):
    login(client, world.entrant_a)
    client.post("/organisation/invite", data={"email": "newcomer@example.org"})
    path = link_path(outbox()[0])
    move_clock(monkeypatch, 15 * 24 * 3600)

    response = login(app.test_client(), make_user("newcomer@example.org")).post(path)

    assert response.status_code == 400
    assert "This link has expired." in text(response)


def test_a_member_of_another_organisation_cannot_join(app, client, world, outbox):
    login(client, world.entrant_a)
    client.post("/organisation/invite", data={"email": "b@beta.example"})
    path = link_path(outbox()[0])
    invitee = login(app.test_client(), world.entrant_b)

    page = text(invitee.get(path))
    response = invitee.post(path, follow_redirects=True)

    assert "You already belong to another organisation (Beta Health)." in page
    assert "You already belong to another organisation (Beta Health)." in text(response)
    db.session.refresh(world.entrant_b)
    assert world.entrant_b.organisation_id == world.organisation_b.id


def test_withdrawing_an_invitation_kills_its_link(app, client, world, outbox):
    login(client, world.entrant_a)
    client.post("/organisation/invite", data={"email": "newcomer@example.org"})
    path = link_path(outbox()[0])
    invitation = db.session.scalar(select(OrganisationInvitation))

    response = client.post(f"/organisation/invitations/{invitation.id}/revoke", follow_redirects=True)

    assert "The invitation for newcomer@example.org is withdrawn." in text(response)
    assert _count(OrganisationInvitation) == 0
    assert app.test_client().get(path).status_code == 400


def test_inviting_an_existing_member_is_explained(client, world, outbox):
    login(client, world.entrant_a)
    make_user("c@alpha.example", organisation=world.organisation_a)

    response = client.post("/organisation/invite", data={"email": "c@alpha.example"})

    assert response.status_code == 200
    assert "This person is already a member of your organisation." in text(response)
    assert outbox() == []


def test_inviting_the_same_address_twice_resends_one_invitation(client, world, outbox):
    login(client, world.entrant_a)

    client.post("/organisation/invite", data={"email": "newcomer@example.org"})
    client.post("/organisation/invite", data={"email": "newcomer@example.org"})

    assert _count(OrganisationInvitation) == 1
    assert len(mails_to(outbox(), "newcomer@example.org")) == 2


def test_an_unconfirmed_member_cannot_invite_yet(client, world, outbox):
    unconfirmed = make_user("u@alpha.example", verified=False, organisation=world.organisation_a)
    login(client, unconfirmed)

    response = client.post("/organisation/invite", data={"email": "newcomer@example.org"})

    assert "Please confirm your own email address before inviting colleagues." in text(response)
    assert outbox() == []


def test_a_bad_invitation_address_is_explained_on_the_organisation_page(client, world):
    login(client, world.entrant_a)

    response = client.post("/organisation/invite", data={"email": "not an address"})

    page = text(response)
    assert "Enter a valid email address" in page
    assert 'value="not an address"' in page
    assert "Alpha Mesh Ltd" in page
