"""Once judges have marked a round, its rubric changes only through explicit, audited actions that say
which totals change; criteria with marks are retired, never deleted."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from judging.audit import AuditEvent
from judging.extensions import db
from judging.scoring.models import Criterion, Score
from tests.accounts.helpers import text
from tests.factories import login, make_sheet
from tests.scoring.test_rubric import base, criterion_data, names


def marked(world):
    """Judy marked entry A (Innovation 4, Impact 2, Team 5): total 2×4 + 1×2 = 10.
    Conrad marked entry B (Innovation 1 only): total 2."""
    innovation, impact, team = world.criteria
    sheet_a = make_sheet(world.assignment_a, {innovation: 4, impact: 2, team: 5}, submitted=True)
    sheet_b = make_sheet(world.assignment_b, {innovation: 1})
    return sheet_a, sheet_b


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_deleting_a_marked_criterion_asks_first_showing_which_totals_change(client, world):
    marked(world)
    impact = world.criteria[1]
    login(client, world.organiser)

    response = client.post(f"{base(world)}/{impact.id}/delete")

    page = text(response)
    assert response.status_code == 200
    assert "Retire Impact?" in page
    assert "1 sheet's total changes" in page
    assert "Alpha mesh for clinics" in page and "10.000" in page and "8.000" in page
    db.session.refresh(impact)
    assert impact.retired_at is None


def test_confirming_retires_a_marked_criterion_and_keeps_its_marks(client, world):
    sheet_a, _ = marked(world)
    impact = world.criteria[1]
    login(client, world.organiser)

    response = client.post(f"{base(world)}/{impact.id}/delete", data={"confirm": "1"}, follow_redirects=True)

    page = text(response)
    assert "retired, not deleted" in page
    assert "Retired criteria" in page
    db.session.refresh(impact)
    assert impact.retired_at is not None
    assert db.session.scalar(select(Score.value).where(Score.criterion_id == impact.id)) == 2
    assert names(world.round) == ["Innovation", "Team"]
    (row,) = audit("criterion.retired")
    assert row.after["totals"] == [{"sheet_id": sheet_a.id, "old": "10.000", "new": "8.000"}]


def test_retiring_a_marked_independent_criterion_needs_no_confirmation(client, world):
    marked(world)
    team = world.criteria[2]
    login(client, world.organiser)

    response = client.post(f"{base(world)}/{team.id}/delete")

    assert response.status_code == 302
    db.session.refresh(team)
    assert team.retired_at is not None
    assert audit("criterion.retired")[0].after["totals"] == []


def test_restoring_a_retired_criterion_shows_and_then_applies_the_totals_change(client, world):
    sheet_a, _ = marked(world)
    impact = world.criteria[1]
    login(client, world.organiser)
    client.post(f"{base(world)}/{impact.id}/delete", data={"confirm": "1"})

    asked = text(client.post(f"{base(world)}/{impact.id}/restore"))
    client.post(f"{base(world)}/{impact.id}/restore", data={"confirm": "1"})

    assert "Restore Impact?" in asked and "8.000" in asked and "10.000" in asked
    assert names(world.round) == ["Innovation", "Team", "Impact"]
    (row,) = audit("criterion.restored")
    assert row.after["totals"] == [{"sheet_id": sheet_a.id, "old": "8.000", "new": "10.000"}]


def test_the_edit_form_locks_scale_and_weight_once_marked(client, world):
    marked(world)
    innovation = world.criteria[0]
    login(client, world.organiser)

    page = text(client.get(f"{base(world)}/{innovation.id}/edit"))

    assert "change only with “Rescale”" in page
    for name in ("scale_min", "scale_max", "weight", "independent"):
        assert re.search(rf'<input[^>]* disabled id="{name}"', page)
    assert not re.search(r'<input[^>]* disabled id="name"', page)


def test_editing_a_marked_criterion_keeps_its_scale_and_weight_whatever_is_sent(client, world):
    marked(world)
    innovation = world.criteria[0]
    login(client, world.organiser)

    response = client.post(
        f"{base(world)}/{innovation.id}/edit",
        data=criterion_data(name="Novelty", scale_min="0", scale_max="10", weight="9", guide="1: Copy"),
    )

    assert response.status_code == 302
    db.session.refresh(innovation)
    assert innovation.name == "Novelty"
    assert (innovation.scale_min, innovation.scale_max, innovation.weight) == (1, 5, Decimal("2"))


def test_adding_a_counted_criterion_to_a_marked_round_needs_acknowledgement(client, world):
    marked(world)
    login(client, world.organiser)

    refused = client.post(f"{base(world)}/new", data=criterion_data())
    client.post(f"{base(world)}/new", data=criterion_data(acknowledge="y"))

    assert "confirm that you want to add a criterion" in text(refused)
    assert names(world.round) == ["Innovation", "Impact", "Team", "Market"]


def test_rescale_preview_shows_which_totals_change_without_saving(client, world):
    marked(world)
    innovation = world.criteria[0]
    login(client, world.organiser)

    response = client.post(
        f"{base(world)}/{innovation.id}/rescale", data={"scale_min": "1", "scale_max": "10", "weight": "3"}
    )

    page = text(response)
    assert "2 sheets' totals change" in page
    # Entry A: 3×4 + 2 = 14 (was 10); entry B: 3×1 = 3 (was 2).
    assert "14.000" in page and "3.000" in page
    assert "Confirm the change" in page
    db.session.refresh(innovation)
    assert innovation.weight == Decimal("2")
    assert audit("criterion.rescaled") == []


def test_confirming_a_rescale_applies_it_with_one_audit_row_of_every_changed_total(client, world):
    sheet_a, sheet_b = marked(world)
    innovation = world.criteria[0]
    login(client, world.organiser)

    response = client.post(
        f"{base(world)}/{innovation.id}/rescale",
        data={"scale_min": "1", "scale_max": "10", "weight": "3", "confirm": "1"},
        follow_redirects=True,
    )

    assert "rescaled; 2 totals changed" in text(response)
    db.session.refresh(innovation)
    assert (innovation.scale_max, innovation.weight) == (10, Decimal("3"))
    (row,) = audit("criterion.rescaled")
    assert row.challenge_id == world.challenge.id
    assert row.before == {"scale_max": 5, "weight": "2.000"}
    assert sorted(row.after["totals"], key=lambda item: item["sheet_id"]) == sorted(
        [
            {"sheet_id": sheet_a.id, "old": "10.000", "new": "14.000"},
            {"sheet_id": sheet_b.id, "old": "2.000", "new": "3.000"},
        ],
        key=lambda item: item["sheet_id"],
    )


def test_a_rescale_leaving_marks_outside_the_new_scale_is_refused(client, world):
    marked(world)
    innovation = world.criteria[0]
    login(client, world.organiser)

    preview = text(
        client.post(
            f"{base(world)}/{innovation.id}/rescale", data={"scale_min": "2", "scale_max": "3", "weight": "2"}
        )
    )
    forced = client.post(
        f"{base(world)}/{innovation.id}/rescale",
        data={"scale_min": "2", "scale_max": "3", "weight": "2", "confirm": "1"},
    )

    assert "Refused: 2 marks lie outside the new scale" in preview
    assert "Confirm the change" not in preview
    assert forced.status_code == 200
    assert "2 marks lie outside the new scale" in text(forced)
    db.session.refresh(innovation)
    assert (innovation.scale_min, innovation.scale_max) == (1, 5)
    assert audit("criterion.rescaled") == []


def test_making_a_criterion_independent_through_rescale_takes_it_out_of_the_totals(client, world):
    sheet_a, _ = marked(world)
    impact = world.criteria[1]
    login(client, world.organiser)

    client.post(
        f"{base(world)}/{impact.id}/rescale",
        data={"scale_min": "1", "scale_max": "5", "weight": "1", "independent": "y", "confirm": "1"},
    )

    db.session.refresh(impact)
    assert impact.independent is True
    assert audit("criterion.rescaled")[0].after["totals"] == [
        {"sheet_id": sheet_a.id, "old": "10.000", "new": "8.000"}
    ]


def test_a_retired_criterion_cannot_be_rescaled(client, world):
    marked(world)
    impact = world.criteria[1]
    login(client, world.organiser)
    client.post(f"{base(world)}/{impact.id}/delete", data={"confirm": "1"})

    assert client.get(f"{base(world)}/{impact.id}/rescale").status_code == 404
    assert db.session.get(Criterion, impact.id) is not None
