"""Organisers preview the automatic assignment of a round, then commit exactly what they saw.

In the world the round holds ``submission_a`` (judged by Judy) and ``submission_b`` (judged by Conrad,
who has a conflict with ``submission_a``), with two judges per entry; Una is free.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from judging.assignments import assign_preview
from judging.assignments.models import Assignment, AssignmentOrigin, Judge
from judging.audit import AuditEvent
from judging.extensions import db
from tests.factories import links_in, login, mail_body


def _url(world, rest: str = "") -> str:
    return f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments{rest}"


def _pairs() -> set[tuple[int, int]]:
    return {tuple(row) for row in db.session.execute(select(Assignment.judge_id, Assignment.submission_id))}


def _inputs(page: str) -> str:
    return re.search(r'name="inputs"[^>]*value="([0-9a-f]{32})"', page).group(1)


def _una(world) -> Judge:
    return db.session.scalar(select(Judge).where(Judge.user_id == world.unassigned_judge.id))


def test_preview_shows_coverage_loads_chart_and_reasons(client, world):
    login(client, world.organiser)

    page = client.get(_url(world, "/preview")).get_data(as_text=True)

    assert "0 of 2 entries have all their judges now; 2 of 2 after the commit." in page
    assert "<svg" in page and "<title id=" in page and "<desc id=" in page
    assert "Entries per judge after this commit" in page  # the same numbers as a table
    assert "Una Unassigned" in page
    assert "<td>Una Unassigned</td><td>expert in Connectivity; load 2 of 10" in page
    assert "100% of all pairs: the judge is an expert" in page
    assert "Commit these assignments" in page
    assert _pairs() == {
        (world.judge_membership.id, world.submission_a.id),
        (world.conflicted_membership.id, world.submission_b.id),
    }  # a preview writes nothing


def test_commit_writes_exactly_the_previewed_pairs_and_mails_each_judge_once(client, world, outbox):
    login(client, world.organiser)
    before = _pairs()
    preview = assign_preview.preview_assignments(world.round)
    previewed = {(pair.judge.id, pair.entry.id) for pair in preview.new_pairs}
    page = client.get(_url(world, "/preview")).get_data(as_text=True)

    response = client.post(
        _url(world, "/commit"), data={"keep_existing": "1", "seed": "0", "inputs": _inputs(page)}
    )

    assert response.status_code == 302
    assert _pairs() == before | previewed
    new_rows = db.session.scalars(select(Assignment).where(Assignment.id > world.assignment_b.id)).all()
    assert {row.origin for row in new_rows} == {AssignmentOrigin.AUTOMATIC}
    assert {row.created_by_id for row in new_rows} == {world.organiser.id}
    mails = outbox()
    judges = {judge_id for judge_id, _entry in previewed}
    assert len(mails) == len(judges)
    assert sorted(mail["To"] for mail in mails) == sorted(db.session.get(Judge, j).email for j in judges)
    for mail in mails:
        body = mail_body(mail)
        assert "Screening" in body
        assert "Alpha mesh" not in body and "Beta telehealth" not in body  # no entry details by mail
        assert links_in(mail) == ["https://judging.example.org/judging/"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assignments.committed")).all()
    assert len(events) == 1 and events[0].after["added"] == len(previewed)
    follow = client.get(_url(world)).get_data(as_text=True)
    assert "2 of 2 entries have all their judges" in follow


def test_a_stale_preview_is_refused_and_shown_again(client, world, outbox):
    login(client, world.organiser)
    page = client.get(_url(world, "/preview")).get_data(as_text=True)
    _una(world).capacity = 5  # another organiser changes a capacity meanwhile
    db.session.commit()
    before = _pairs()

    response = client.post(
        _url(world, "/commit"), data={"keep_existing": "1", "seed": "0", "inputs": _inputs(page)}
    )

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "changed since this preview was made, so nothing was written" in text
    assert "Commit these assignments" in text and _inputs(text) != _inputs(page)
    assert _pairs() == before
    assert outbox() == []


def test_the_same_seed_gives_the_same_preview(client, world):
    login(client, world.organiser)

    first = client.post(_url(world, "/preview"), data={"keep_existing": "y", "seed": "7"}).get_data(
        as_text=True
    )
    second = client.post(_url(world, "/preview"), data={"keep_existing": "y", "seed": "7"}).get_data(
        as_text=True
    )

    assert _inputs(first) == _inputs(second)
    assert re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td>", first) == re.findall(
        r"<tr><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td>", second
    )


def test_a_bad_seed_is_refused_on_the_form(client, world):
    login(client, world.organiser)

    page = client.post(_url(world, "/preview"), data={"keep_existing": "y", "seed": "-4"}).get_data(
        as_text=True
    )

    assert "Please correct the following" in page
    assert "Commit these assignments" not in page


def test_commit_with_nothing_to_assign_says_so(client, world):
    login(client, world.organiser)
    page = client.get(_url(world, "/preview")).get_data(as_text=True)
    client.post(_url(world, "/commit"), data={"keep_existing": "1", "seed": "0", "inputs": _inputs(page)})
    again = client.get(_url(world, "/preview")).get_data(as_text=True)

    assert "Nothing to assign: every entry of this round already has its judges." in again
    assert "Commit these assignments" not in again


def test_the_organiser_of_another_challenge_cannot_reach_a_round_through_their_slug(client, world):
    login(client, world.other_organiser)

    response = client.get(f"/manage/{world.other_challenge.slug}/rounds/{world.round.id}/assignments")

    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Assignment.id))) == 2


def test_without_keeping_existing_ones_automatic_assignments_are_replaced_and_manual_ones_stay(client, world):
    world.round.judges_per_entry = 1
    world.assignment_a.origin = AssignmentOrigin.AUTOMATIC
    world.assignment_b.origin = AssignmentOrigin.AUTOMATIC
    world.assignment_b.judge = world.judge_membership  # Judy has both entries, automatically
    una = _una(world)
    manual = Assignment(
        round=world.round, judge=una, submission=world.submission_b, origin=AssignmentOrigin.MANUAL
    )
    db.session.add(manual)
    db.session.commit()
    login(client, world.organiser)
    page = client.post(_url(world, "/preview"), data={"seed": "0"}).get_data(as_text=True)  # box unticked

    response = client.post(
        _url(world, "/commit"), data={"keep_existing": "0", "seed": "0", "inputs": _inputs(page)}
    )

    assert "Assignments this commit replaces" in page
    assert response.status_code == 302
    pairs = _pairs()
    assert (una.id, world.submission_b.id) in pairs  # manual: kept
    assert (world.judge_membership.id, world.submission_b.id) not in pairs  # automatic: replaced
    assert len([pair for pair in pairs if pair[1] == world.submission_a.id]) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignments.committed"))
    assert event.after["keep_existing"] is False and event.after["removed"] >= 1


def test_a_commit_without_the_form_token_is_refused(client, app, world):
    login(client, world.organiser)
    page = client.get(_url(world, "/preview")).get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            _url(world, "/commit"), data={"keep_existing": "1", "seed": "0", "inputs": _inputs(page)}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert len(_pairs()) == 2


def test_the_challenge_assignments_page_lists_rounds_with_coverage_and_is_in_the_menu(client, world):
    login(client, world.organiser)

    overview = client.get(f"/manage/{world.challenge.slug}/").get_data(as_text=True)
    page = client.get(f"/manage/{world.challenge.slug}/assignments").get_data(as_text=True)

    assert f'href="/manage/{world.challenge.slug}/assignments"' in overview
    assert f'href="{_url(world)}">Screening</a>' in page
    assert "<td>0 of 2</td>" in page  # no entry has both its judges yet
