"""Twenty identical requests at once have exactly one effect: publishing, issuing certificates,
answering a judge's invitation and following any one-time link. The others get a clear answer, never a 500.

Each request comes from its own thread with its own test client, as from twenty browser tabs; the threads
are released together by a barrier, after signing in, so the requests really overlap.
"""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from judging.accounts.models import OrganisationInvitation, User
from judging.assignments.judge_details import invitation_token
from judging.assignments.models import Judge, JudgeStatus
from judging.audit import AuditEvent
from judging.certificates.models import Certificate
from judging.core.lifecycle import ChallengeStatus
from judging.database import utcnow
from judging.extensions import db
from judging.results.models import Outcome, ResultsSnapshot
from tests.access.certificates import publish_and_issue
from tests.accounts.helpers import link_path, mails_to
from tests.factories import (
    PASSWORD,
    login,
    make_decision,
    make_judge,
    make_sheet,
    make_user,
    read_outbox,
)
from tests.races import COPIES, statuses
from tests.races import race as race_with_session

ALREADY_USED = "This link has already been used."


@pytest.fixture
def slow_clock(monkeypatch):
    """Reading the clock, between checking a link and spending it, takes a little while.

    This widens the window in which a request that checked the link can be overtaken, so a missing lock
    shows on every run, not only on most; with the lock, the requests simply wait their turn.
    """
    from judging.accounts import organisation_services, services

    def slow_utcnow():
        time.sleep(0.02)
        return utcnow()

    for module in (services, organisation_services):
        monkeypatch.setattr(module, "utcnow", slow_utcnow)


def race(app, path: str, *, user: User | None = None, data: dict | None = None) -> list:
    """``tests.races.race``, signed in as ``user`` when given."""
    signed_in = {"_user_id": user.get_id(), "_fresh": True} if user is not None else None
    return race_with_session(app, path, session=signed_in, data=data)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def events(action: str) -> int:
    return count(AuditEvent, AuditEvent.action == action)


def assert_one_success_and_used(outcomes: list) -> None:
    """One request redirects (it did the work); every other one says the link is used, with a 400."""
    assert statuses(outcomes) == {302: 1, 400: COPIES - 1}
    assert all(ALREADY_USED in body for status, body in outcomes if status == 400)


# Publishing and issuing ---------------------------------------------------------------------------------


def decided(world) -> None:
    """Judging with both sheets submitted and a decision on each entry; nothing published yet."""
    innovation, impact, _team = world.criteria
    make_sheet(world.assignment_a, {innovation: 5, impact: 4}, submitted=True)
    make_sheet(world.assignment_b, {innovation: 3, impact: 3}, submitted=True)
    world.challenge.status = ChallengeStatus.JUDGING
    db.session.commit()
    make_decision(world.submission_a, Outcome.WINNER)
    make_decision(world.submission_b, Outcome.FINALIST)


def test_publishing_twenty_times_at_once_makes_one_version(app, world):
    decided(world)
    form = {"confirm": "y", "published_version": "0"}  # as the page sends it before the first version

    outcomes = race(app, "/manage/sme-awards/results/publish", user=world.organiser, data=form)

    assert statuses(outcomes) == {302: 1, 400: COPIES - 1}
    assert all("published meanwhile" in body for status, body in outcomes if status == 400)
    assert count(ResultsSnapshot) == 1
    assert events("results.publish") == 1


def test_publishing_again_twenty_times_at_once_makes_one_new_version(app, client, world):
    publish_and_issue(world, issue=False)
    page = login(client, world.organiser).get("/manage/sme-awards/results").get_data(as_text=True)
    seen = re.search(r'name="published_version" type="hidden" value="(\d+)"', page).group(1)
    form = {"confirm": "y", "reason": "A sheet was corrected.", "published_version": seen}

    outcomes = race(app, "/manage/sme-awards/results/publish", user=world.organiser, data=form)

    assert statuses(outcomes) == {302: 1, 400: COPIES - 1}
    assert all("published meanwhile" in body for status, body in outcomes if status == 400)
    assert sorted(db.session.scalars(select(ResultsSnapshot.version))) == [1, 2]
    assert events("results.republish") == 1


def test_issuing_certificates_twenty_times_at_once_gives_one_record_and_code_each(app, world):
    publish_and_issue(world, issue=False)

    outcomes = race(app, "/manage/sme-awards/certificates/issue", user=world.organiser, data={})

    assert statuses(outcomes) == {302: COPIES}
    rows = db.session.execute(select(Certificate.kind, Certificate.subject, Certificate.code)).all()
    assert len(rows) == 4
    assert len({(kind, subject) for kind, subject, _code in rows}) == 4
    assert len({code for _kind, _subject, code in rows}) == 4


# Judge invitations --------------------------------------------------------------------------------------


def test_accepting_a_judge_invitation_twenty_times_at_once_accepts_once(app, world):
    invitee = make_user("ivy@jury.example", name="Ivy Invitee")
    judge = make_judge(world.challenge, invitee, ready=False, status=JudgeStatus.INVITED)
    path, judge_id = f"/judging/invitation/{invitation_token(judge)}", judge.id

    outcomes = race(app, path, user=invitee, data={"answer": "accept"})

    assert_one_success_and_used(outcomes)
    accepted = db.session.get(Judge, judge_id)
    assert (accepted.status, accepted.user_id) == (JudgeStatus.ACTIVE, invitee.id)
    assert events("judge.accept") == 1
    assert read_outbox(app) == []


def test_accepting_a_judge_invitation_as_a_newcomer_twenty_times_creates_one_account(app, world):
    judge = make_judge(
        world.challenge, make_user("nia@jury.example"), ready=False, status=JudgeStatus.INVITED
    )
    db.session.delete(db.session.scalar(select(User).where(User.email == "nia@jury.example")))
    db.session.commit()
    path = f"/judging/invitation/{invitation_token(judge)}"
    form = {"name": "Nia Newcomer", "password": "a long and happy passphrase"}
    form["confirm"] = form["password"]

    outcomes = race(app, path, data=form)

    assert_one_success_and_used(outcomes)
    assert count(User, User.email == "nia@jury.example") == 1
    assert events("judge.accept") == 1


def test_declining_a_judge_invitation_twenty_times_at_once_declines_once(app, world):
    judge = make_judge(
        world.challenge, make_user("dan@jury.example"), ready=False, status=JudgeStatus.INVITED
    )
    path, judge_id = f"/judging/invitation/{invitation_token(judge)}", judge.id

    outcomes = race(app, path, data={"answer": "decline"})

    assert_one_success_and_used(outcomes)
    assert db.session.get(Judge, judge_id).status is JudgeStatus.DECLINED
    assert events("judge.decline") == 1


# Account links ------------------------------------------------------------------------------------------


def test_confirming_an_address_twenty_times_at_once_confirms_once(app, client, world, slow_clock):
    user = make_user("vera@example.org", name="Vera Unverified", verified=False)
    login(client, user).post("/account/resend-verification")
    path = link_path(mails_to(read_outbox(app), "vera@example.org")[-1])

    outcomes = race(app, path)

    assert_one_success_and_used(outcomes)
    assert db.session.scalar(select(User.email_verified_at).where(User.email == "vera@example.org"))


def test_resetting_a_password_twenty_times_at_once_resets_once(app, client, world, slow_clock):
    client.post("/password/forgot", data={"email": "a@alpha.example"})
    path = link_path(mails_to(read_outbox(app), "a@alpha.example")[-1])
    new = "another long passphrase"

    outcomes = race(app, path, data={"password": new, "confirm": new})

    assert_one_success_and_used(outcomes)
    assert len(mails_to(read_outbox(app), "a@alpha.example")) == 2  # the link, then one "password changed"


def test_confirming_a_new_address_twenty_times_at_once_changes_it_once(app, client, world, slow_clock):
    login(client, world.entrant_a).post(
        "/account/email", data={"email": "amina@new.example", "password": PASSWORD}
    )
    path = link_path(mails_to(read_outbox(app), "amina@new.example")[-1])

    outcomes = race(app, path)

    assert_one_success_and_used(outcomes)
    assert db.session.get(User, world.entrant_a.id).email == "amina@new.example"
    assert len(mails_to(read_outbox(app), "a@alpha.example")) == 1  # "your address was changed", once


def test_joining_an_organisation_twenty_times_at_once_joins_once(app, client, world, slow_clock):
    newcomer = make_user("nora@example.org", name="Nora Newcomer")
    login(client, world.entrant_a).post("/organisation/invite", data={"email": "nora@example.org"})
    path = link_path(mails_to(read_outbox(app), "nora@example.org")[-1])
    organisation_id, newcomer_id = world.organisation_a.id, newcomer.id  # the race ends this session

    outcomes = race(app, path, user=newcomer, data={})

    assert_one_success_and_used(outcomes)
    assert db.session.get(User, newcomer_id).organisation_id == organisation_id
    assert count(OrganisationInvitation, OrganisationInvitation.accepted_at.is_not(None)) == 1
    assert events("invitation.accepted") == 1
