"""Organisers keep their jury: the list of judges, inviting one, editing a judge, the judging terms."""

from __future__ import annotations

from sqlalchemy import func, select

from judging.assignments.models import Conflict, ConflictReason, Judge, JudgeStatus
from judging.audit import AuditEvent
from judging.extensions import db
from tests.accounts.helpers import link_path, mails_to, text
from tests.factories import login, make_assignment, make_judge, make_user


def judge_data(world, **overrides) -> dict:
    data = {
        "name": "Grace Hopper",
        "email": "grace@jury.example",
        "expertise": [str(world.challenge.categories[0].id)],
        "languages": ["en", "fr"],
        "capacity": "12",
        "affiliation": "Navy Research",
        "country": "US",
    }
    data.update(overrides)
    return data


def judges_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Judge))


def test_the_jury_page_lists_every_judge_with_status_terms_and_details(client, world):
    make_judge(world.challenge, make_user("pending@jury.example", name="Pat Pending"), ready=False)
    make_judge(
        world.challenge,
        make_user("gone@jury.example", name="Gus Gone"),
        ready=False,
        status=JudgeStatus.REVOKED,
    )
    login(client, world.organiser)

    page = text(client.get("/manage/sme-awards/jury"))

    assert "Accepted: 3" in page and "Invited: 1" in page and "Revoked: 1" in page
    assert "Ready to judge (terms accepted, details confirmed): 3" in page
    assert "Judy Judge" in page and "judy@jury.example" in page
    assert "Pat Pending" in page and "Not yet" in page and "Resend invitation" in page
    assert "University of Nairobi" in page and "United Kingdom" in page and "English" in page
    assert "Connectivity, E-health" in page
    assert "Otto Other" not in page  # judge of another challenge


def test_the_jury_page_shows_acceptance_times_in_the_readers_zone(client, world):
    world.organiser.timezone = "Asia/Tokyo"
    db.session.commit()
    login(client, world.organiser)

    page = text(client.get("/manage/sme-awards/jury"))

    assert "(JST, Asia/Tokyo)" in page or "(GMT+9, Asia/Tokyo)" in page


def test_inviting_a_judge_saves_them_mails_them_and_audits(client, world, outbox):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/jury/invite", data=judge_data(world), follow_redirects=True)

    assert "We have sent an invitation to Grace Hopper (grace@jury.example)." in text(response)
    judge = db.session.scalar(select(Judge).where(Judge.email == "grace@jury.example"))
    assert (judge.status, judge.capacity, judge.country, judge.affiliation) == (
        JudgeStatus.INVITED,
        12,
        "US",
        "Navy Research",
    )
    assert [c.name for c in judge.expertise] == ["Connectivity"] and judge.languages == ["en", "fr"]
    assert judge.invited_by_id == world.organiser.id
    assert len(mails_to(outbox(), "grace@jury.example")) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judge.invite"))
    assert event.after["expertise"] == ["Connectivity"] and event.actor_id == world.organiser.id


def test_the_invite_form_explains_each_problem_and_keeps_what_was_typed(client, world, outbox):
    login(client, world.organiser)
    before = judges_count()

    response = client.post(
        "/manage/sme-awards/jury/invite",
        data=judge_data(world, email="grace at navy", capacity="0", expertise=[], affiliation="Navy Labs"),
    )

    page = text(response)
    assert response.status_code == 200
    assert "Enter a valid email address" in page
    assert "Enter a whole number from 1 to 1000." in page
    assert 'value="grace at navy"' in page and 'value="Navy Labs"' in page
    assert judges_count() == before and outbox() == []


def test_a_judge_without_expertise_is_refused(client, world, outbox):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/jury/invite", data=judge_data(world, expertise=[]))

    assert "Choose at least one category of expertise." in text(response)
    assert outbox() == []


def test_inviting_someone_already_on_the_jury_is_explained(client, world, outbox):
    login(client, world.organiser)

    response = client.post(
        "/manage/sme-awards/jury/invite", data=judge_data(world, email="JUDY@jury.example")
    )

    assert "judy@jury.example is already on the jury of this challenge." in text(response)
    assert outbox() == []


def test_editing_a_judge_saves_and_audits_the_changes(client, world):
    login(client, world.organiser)
    membership = world.judge_membership

    page = text(client.get(f"/manage/sme-awards/jury/{membership.id}/edit"))
    assert 'value="Judy Judge"' in page and "cannot change once the judge has answered" in page
    response = client.post(
        f"/manage/sme-awards/jury/{membership.id}/edit",
        data=judge_data(world, name="Judy Judge", email="judy@jury.example", capacity="4"),
    )

    assert response.status_code == 302
    db.session.refresh(membership)
    assert (membership.capacity, membership.country, [c.name for c in membership.expertise]) == (
        4,
        "US",
        ["Connectivity"],
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judge.update"))
    assert event.before["capacity"] == 10 and event.after["capacity"] == 4
    assert event.before["expertise"] == ["Connectivity", "E-health"]


def test_the_capacity_cannot_go_below_the_entries_already_assigned(client, world):
    make_assignment(world.round, world.judge_membership, world.submission_b)
    login(client, world.organiser)

    response = client.post(
        f"/manage/sme-awards/jury/{world.judge_membership.id}/edit",
        data=judge_data(world, email="judy@jury.example", capacity="1"),
    )

    assert response.status_code == 200
    assert "The capacity cannot be below the 2 entries already assigned." in text(response)
    db.session.refresh(world.judge_membership)
    assert world.judge_membership.capacity == 10


def test_an_accepted_judges_address_cannot_change(client, world):
    login(client, world.organiser)

    response = client.post(
        f"/manage/sme-awards/jury/{world.judge_membership.id}/edit",
        data=judge_data(world, email="judith@elsewhere.example"),
    )

    assert "The address of a judge who has answered the invitation cannot be changed." in text(response)
    db.session.refresh(world.judge_membership)
    assert world.judge_membership.email == "judy@jury.example"


def test_correcting_a_pending_address_stops_the_old_link(client, world, outbox):
    login(client, world.organiser)
    client.post("/manage/sme-awards/jury/invite", data=judge_data(world, email="grace@navy.example"))
    judge = db.session.scalar(select(Judge).where(Judge.email == "grace@navy.example"))
    old_link = link_path(outbox()[0])

    client.post(
        f"/manage/sme-awards/jury/{judge.id}/edit", data=judge_data(world, email="grace@jury.example")
    )

    login(client, None)
    assert client.get(old_link).status_code == 400
    db.session.refresh(judge)
    assert judge.email == "grace@jury.example"


def test_the_terms_page_sets_the_terms_and_the_same_country_rule(client, world):
    login(client, world.organiser)
    page = text(client.get("/manage/sme-awards/jury/terms"))
    assert "No terms written yet: judges are shown these default terms." in page

    response = client.post(
        "/manage/sme-awards/jury/terms",
        data={"judging_terms": "Keep **everything** confidential.", "conflict_same_country": "y"},
        follow_redirects=True,
    )

    assert "The judging terms and settings are saved." in text(response)
    assert "<strong>everything</strong>" in response.get_data(as_text=True)
    db.session.refresh(world.challenge)
    assert world.challenge.judging_terms == "Keep **everything** confidential."
    assert world.challenge.conflict_same_country is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "jury.settings"))
    assert event.after == {
        "judging_terms": "Keep **everything** confidential.",
        "conflict_same_country": True,
    }


def test_turning_on_the_same_country_rule_records_those_conflicts_at_once(client, world):
    compatriot = make_judge(
        world.challenge, make_user("kip@jury.example"), country="KE"
    )  # organisation A: KE
    login(client, world.organiser)

    client.post("/manage/sme-awards/jury/terms", data={"judging_terms": "", "conflict_same_country": "y"})

    found = db.session.scalars(select(Conflict).where(Conflict.judge_id == compatriot.id)).all()
    assert [(c.submission_id, c.reason) for c in found] == [
        (world.submission_a.id, ConflictReason.SAME_COUNTRY)
    ]


def test_the_jury_of_another_challenge_is_not_found(client, world):
    login(client, world.other_organiser)

    assert client.get("/manage/sme-awards/jury").status_code == 404
    assert client.get(f"/manage/sme-awards/jury/{world.judge_membership.id}/edit").status_code == 404
    assert client.post(f"/manage/sme-awards/jury/{world.judge_membership.id}/revoke").status_code == 404
    db.session.refresh(world.judge_membership)
    assert world.judge_membership.status is JudgeStatus.ACTIVE
