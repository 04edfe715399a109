"""A judge recuses from an assigned entry with a reason; the organiser sees it with the best replacement
and assigns that judge in one click.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from judging.assignments.models import Assignment, AssignmentOrigin, AssignmentStatus, Judge
from judging.audit import AuditEvent
from judging.extensions import db
from tests.factories import login


def _recuse_url(world, assignment=None) -> str:
    return f"/judging/{world.challenge.slug}/assignments/{(assignment or world.assignment_a).id}/recuse"


def _round_url(world) -> str:
    return f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments"


def test_a_judge_recuses_with_a_reason(client, world):
    login(client, world.judge)

    form = client.get(_recuse_url(world)).get_data(as_text=True)
    page = client.post(
        _recuse_url(world), data={"reason": "I mentored this team."}, follow_redirects=True
    ).get_data(as_text=True)

    assert "Recuse from “Alpha mesh for clinics”" in form
    assert "You no longer judge “Alpha mesh for clinics”." in page
    db.session.refresh(world.assignment_a)
    assert world.assignment_a.status is AssignmentStatus.RECUSED
    assert world.assignment_a.recused_at is not None
    assert world.assignment_a.recusal_reason == "I mentored this team."
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "assignment.recused" and event.actor_id == world.judge.id
    assert event.after == {"status": "recused", "reason": "I mentored this team."}
    assert "Recused" in page  # still listed on the dashboard, without a link
    assert f'/entries/{world.assignment_a.id}"' not in page
    assert client.get(f"/judging/{world.challenge.slug}/entries/{world.assignment_a.id}").status_code == 404


def test_a_recusal_needs_a_reason(client, world):
    login(client, world.judge)

    page = client.post(_recuse_url(world), data={"reason": "  "}).get_data(as_text=True)

    assert "Please correct the following" in page
    db.session.refresh(world.assignment_a)
    assert world.assignment_a.status is AssignmentStatus.ASSIGNED


def test_a_scored_entry_cannot_be_recused(client, world):
    world.assignment_a.status = AssignmentStatus.SCORED
    db.session.commit()
    login(client, world.judge)

    page = client.post(_recuse_url(world), data={"reason": "Too late"}, follow_redirects=True).get_data(
        as_text=True
    )

    assert "You have already scored this entry, so you cannot recuse from it." in page
    db.session.refresh(world.assignment_a)
    assert world.assignment_a.status is AssignmentStatus.SCORED


def test_the_organiser_sees_the_recusal_and_assigns_the_best_replacement_in_one_click(client, world):
    login(client, world.judge)
    client.post(_recuse_url(world), data={"reason": "I mentored this team."})
    una = db.session.scalar(select(Judge).where(Judge.user_id == world.unassigned_judge.id))
    login(client, world.organiser)

    page = client.get(_round_url(world)).get_data(as_text=True)

    assert "Judy Judge recused from “Alpha mesh for clinics”" in page
    assert "I mentored this team." in page
    recusals = page[page.index('id="recusals"') : page.index('id="by-entry"')]
    assert "Assign Una Unassigned" in recusals
    assert "Assign Judy Judge" not in recusals  # the judge who recused is never proposed again
    button = re.search(
        r'<form method="post" action="([^"]+/add)" class="inline">(.*?)</form>', recusals, re.S
    )
    fields = dict(re.findall(r'name="(judge_id|submission_id)" value="(\d+)"', button.group(2)))
    assert fields == {"judge_id": str(una.id), "submission_id": str(world.submission_a.id)}

    after = client.post(button.group(1), data=fields, follow_redirects=True).get_data(as_text=True)

    assert "Una Unassigned now has “Alpha mesh for clinics”." in after
    added = db.session.scalar(select(Assignment).where(Assignment.judge_id == una.id))
    assert added.origin is AssignmentOrigin.MANUAL
    assert "No judge can replace them yet." in after  # Judy recused, Conrad conflicted, Una on it


def test_the_judge_who_recused_cannot_be_assigned_the_entry_again(client, world):
    login(client, world.judge)
    client.post(_recuse_url(world), data={"reason": "I mentored this team."})
    login(client, world.organiser)

    page = client.post(
        _round_url(world) + "/add",
        data={"judge_id": world.judge_membership.id, "submission_id": world.submission_a.id},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "Judy Judge recused from “Alpha mesh for clinics” in this round." in page
