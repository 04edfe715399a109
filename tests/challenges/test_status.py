"""A challenge's lifecycle: only the allowed transitions, opening rules, and the clock closing it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from judging.audit import AuditEvent
from judging.challenges.services import sync_clock
from judging.core.lifecycle import ChallengeStatus
from judging.database import utcnow
from judging.extensions import db
from tests.factories import login, make_challenge


def buttons(html: str) -> list[str]:
    """The statuses offered as buttons on the overview, in page order."""
    return re.findall(r'<input type="hidden" name="status" value="(\w+)">', html)


def stored_status(challenge) -> ChallengeStatus:
    db.session.refresh(challenge)
    return challenge.status


def test_overview_offers_only_the_allowed_next_statuses_of_an_open_challenge(client, world):
    login(client, world.organiser)

    html = client.get("/manage/sme-awards/").get_data(as_text=True)

    assert buttons(html) == ["draft", "closed"]
    assert "Close entries now" in html
    assert "Back to draft (unpublish)" in html
    assert "Start judging" not in html


def test_overview_links_to_the_entries_page(client, world):
    login(client, world.organiser)

    html = client.get("/manage/sme-awards/").get_data(as_text=True)

    assert 'href="/manage/sme-awards/entries"' in html
    assert "2 entries submitted" in html


def test_open_draft_with_categories_and_times(client, world):
    login(client, world.organiser)

    response = client.post("/manage/unpublished/status", data={"status": "open"}, follow_redirects=True)

    assert "The challenge is now: Open." in response.get_data(as_text=True)
    assert stored_status(world.draft_challenge) is ChallengeStatus.OPEN
    assert client.get("/challenges/unpublished").status_code == 200
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "challenge.status"))
    assert (event.actor_id, event.before, event.after) == (
        world.organiser.id,
        {"status": "draft"},
        {"status": "open"},
    )


def test_open_draft_without_categories_is_refused(client, world):
    draft = make_challenge(
        "Empty call", slug="empty", status=ChallengeStatus.DRAFT, categories=(), organisers=[world.organiser]
    )
    login(client, world.organiser)

    response = client.post("/manage/empty/status", data={"status": "open"}, follow_redirects=True)

    assert "Add at least one category before opening the challenge." in response.get_data(as_text=True)
    assert stored_status(draft) is ChallengeStatus.DRAFT


def test_open_draft_without_a_closing_time_is_refused(client, world):
    world.draft_challenge.closes_at = None
    db.session.commit()
    login(client, world.organiser)

    response = client.post("/manage/unpublished/status", data={"status": "open"}, follow_redirects=True)

    assert "Set the opening and closing times before opening the challenge." in response.get_data(
        as_text=True
    )
    assert stored_status(world.draft_challenge) is ChallengeStatus.DRAFT


def test_open_draft_whose_deadline_has_passed_is_refused(client, world):
    world.draft_challenge.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    login(client, world.organiser)

    response = client.post("/manage/unpublished/status", data={"status": "open"}, follow_redirects=True)

    assert "The closing time has passed; move it into the future first." in response.get_data(as_text=True)
    assert stored_status(world.draft_challenge) is ChallengeStatus.DRAFT


def test_transition_not_in_the_table_is_refused(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/status", data={"status": "published"}, follow_redirects=True)

    assert "A challenge that is open cannot become results published." in response.get_data(as_text=True)
    assert stored_status(world.challenge) is ChallengeStatus.OPEN
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_unknown_status_is_a_bad_request(client, world):
    login(client, world.organiser)

    assert client.post("/manage/sme-awards/status", data={"status": "deleted"}).status_code == 400


def test_close_now_then_reopen(client, world):
    login(client, world.organiser)

    client.post("/manage/sme-awards/status", data={"status": "closed"})
    assert stored_status(world.challenge) is ChallengeStatus.CLOSED
    assert not world.challenge.accepts_entries()
    client.post("/manage/sme-awards/status", data={"status": "open"})

    assert stored_status(world.challenge) is ChallengeStatus.OPEN
    assert world.challenge.accepts_entries()


def test_whole_lifecycle_to_archived(client, world):
    login(client, world.organiser)

    for status in ("closed", "judging", "decided", "published", "archived"):
        client.post("/manage/sme-awards/status", data={"status": status})
        assert stored_status(world.challenge).value == status

    html = client.get("/manage/sme-awards/").get_data(as_text=True)
    assert buttons(html) == []


def test_clock_past_the_deadline_shows_closed_and_allows_judging(client, world):
    world.challenge.closes_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    login(client, world.organiser)

    html = client.get("/manage/sme-awards/").get_data(as_text=True)

    assert '<span class="badge badge-closed">Closed</span>' in html
    assert buttons(html) == ["open", "judging"]
    client.post("/manage/sme-awards/status", data={"status": "judging"})
    assert stored_status(world.challenge) is ChallengeStatus.JUDGING


def test_clock_past_the_deadline_reopening_needs_a_later_deadline(client, world):
    world.challenge.closes_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/status", data={"status": "open"}, follow_redirects=True)

    assert "The closing time has passed; move it into the future first." in response.get_data(as_text=True)


def test_sync_clock_stores_closed_for_open_challenges_past_their_deadline(world):
    world.challenge.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    closed = sync_clock()

    assert [challenge.slug for challenge in closed] == ["sme-awards"]
    assert stored_status(world.challenge) is ChallengeStatus.CLOSED
    assert stored_status(world.other_challenge) is ChallengeStatus.OPEN
    assert stored_status(world.draft_challenge) is ChallengeStatus.DRAFT
    (event,) = db.session.scalars(select(AuditEvent))
    assert (event.action, event.actor_id, event.challenge_id) == (
        "challenge.status",
        None,
        world.challenge.id,
    )
    assert event.after == {"status": "closed"}


def test_sync_clock_at_exactly_the_deadline_closes(world):
    deadline = world.challenge.closes_at

    assert sync_clock(deadline - timedelta(microseconds=1)) == []
    assert [challenge.slug for challenge in sync_clock(deadline)] == ["sme-awards"]


def test_sync_clock_leaves_drafts_past_their_deadline_alone(world):
    world.draft_challenge.closes_at = utcnow() - timedelta(days=1)
    db.session.commit()

    assert sync_clock() == []
    assert stored_status(world.draft_challenge) is ChallengeStatus.DRAFT


def test_tick_command_closes_challenges_past_their_deadline(app, world):
    world.other_challenge.closes_at = utcnow() - timedelta(hours=2)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["tick"])

    assert result.exit_code == 0, result.output
    assert "Closed: innovation" in result.output
    assert "1 challenge(s) closed by the clock." in result.output
    assert stored_status(world.other_challenge) is ChallengeStatus.CLOSED


def test_status_change_without_csrf_token_changes_nothing(app, client, world):
    login(client, world.organiser)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/manage/sme-awards/status", data={"status": "closed"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert "This form has expired or did not come from this site" in response.get_data(as_text=True)
    assert stored_status(world.challenge) is ChallengeStatus.OPEN
