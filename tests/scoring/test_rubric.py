"""Organisers build a round's rubric: add, edit, reorder, delete, the default rubric and copies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from judging.audit import AuditEvent
from judging.extensions import db
from judging.scoring.models import Criterion
from tests.accounts.helpers import text
from tests.factories import login, make_challenge, make_criterion, make_round, make_sheet


def base(world, round_=None) -> str:
    return f"/manage/sme-awards/rounds/{(round_ or world.round).id}/rubric"


def criterion_data(**overrides) -> dict:
    data = {
        "name": "Market",
        "description": "Who buys it",
        "guide": "1: No market\n5: A proven market",
        "scale_min": "1",
        "scale_max": "5",
        "weight": "0.5",
        "required": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def names(round_) -> list[str]:
    return list(
        db.session.scalars(
            select(Criterion.name)
            .where(Criterion.round_id == round_.id, Criterion.retired_at.is_(None))
            .order_by(Criterion.position)
        )
    )


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def empty_round(world):
    return make_round(world.challenge, "Final", position=2)


def test_the_rubric_lists_criteria_in_order_with_their_settings(client, world):
    login(client, world.organiser)

    page = text(client.get(base(world)))

    assert page.index("Innovation") < page.index("Impact") < page.index("Team")
    assert "No: independent" in page
    assert "1–5" in page


def test_the_round_page_links_to_the_rubric(client, world):
    login(client, world.organiser)

    page = text(client.get(f"/manage/sme-awards/rounds/{world.round.id}"))

    assert f'href="{base(world)}"' in page


def test_adding_a_criterion_appends_it_with_its_level_guide(client, world):
    round_ = empty_round(world)
    login(client, world.organiser)

    response = client.post(f"{base(world, round_)}/new", data=criterion_data())

    assert response.status_code == 302
    criterion = db.session.scalar(select(Criterion).where(Criterion.round_id == round_.id))
    assert (criterion.name, criterion.weight, criterion.required) == ("Market", Decimal("0.5"), True)
    assert criterion.guide == {"1": "No market", "5": "A proven market"}
    assert actions()[-1] == "criterion.added"
    audit = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert audit.challenge_id == world.challenge.id


def test_a_guide_level_outside_the_scale_is_refused_with_the_text_kept(client, world):
    round_ = empty_round(world)
    login(client, world.organiser)

    response = client.post(
        f"{base(world, round_)}/new", data=criterion_data(guide="0: Nothing\n7: Beyond", description="Kept")
    )

    page = text(response)
    assert response.status_code == 200
    assert "outside the scale 1–5: 0, 7" in page
    assert "Kept" in page
    assert names(round_) == []


def test_a_guide_line_without_a_level_is_refused(client, world):
    login(client, world.organiser)

    response = client.post(f"{base(world)}/new", data=criterion_data(guide="great work"))

    assert "“great work”" in text(response)
    assert names(world.round) == ["Innovation", "Impact", "Team"]


def test_a_scale_whose_top_is_not_above_its_bottom_is_refused(client, world):
    login(client, world.organiser)

    response = client.post(f"{base(world)}/new", data=criterion_data(scale_min="5", scale_max="5", guide=""))

    assert "The highest level must be above the lowest." in text(response)


@pytest.mark.parametrize("weight", ["NaN", "sNaN", "Infinity", "-inf"])
def test_a_weight_that_is_not_a_finite_number_is_refused(client, world, weight):
    login(client, world.organiser)

    response = client.post(f"{base(world)}/new", data=criterion_data(weight=weight))

    assert "Enter a number." in text(response)
    assert names(world.round) == ["Innovation", "Impact", "Team"]


def test_editing_a_criterion_before_any_mark_changes_scale_and_weight(client, world):
    innovation = world.criteria[0]
    login(client, world.organiser)

    response = client.post(
        f"{base(world)}/{innovation.id}/edit",
        data=criterion_data(
            name="Novelty", scale_min="0", scale_max="10", weight="3", guide="0: None\n10: All"
        ),
    )

    assert response.status_code == 302
    db.session.refresh(innovation)
    assert (innovation.name, innovation.scale_min, innovation.scale_max) == ("Novelty", 0, 10)
    assert innovation.weight == Decimal("3")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "criterion.changed"))
    assert audit.before["name"] == "Innovation"
    assert audit.after["weight"] == "3"


def test_moving_a_criterion_up_swaps_it_with_the_one_above(client, world):
    login(client, world.organiser)

    client.post(f"{base(world)}/{world.criteria[2].id}/move", data={"direction": "up"})

    assert names(world.round) == ["Innovation", "Team", "Impact"]
    assert actions()[-1] == "criterion.moved"


def test_moving_the_first_criterion_up_changes_nothing(client, world):
    login(client, world.organiser)

    client.post(f"{base(world)}/{world.criteria[0].id}/move", data={"direction": "up"})

    assert names(world.round) == ["Innovation", "Impact", "Team"]


def test_deleting_a_criterion_without_marks_removes_it(client, world):
    team = world.criteria[2]
    login(client, world.organiser)

    response = client.post(f"{base(world)}/{team.id}/delete", follow_redirects=True)

    assert "Criterion “Team” deleted." in text(response)
    assert db.session.get(Criterion, team.id) is None
    assert actions()[-1] == "criterion.deleted"


def test_a_new_round_offers_the_default_rubric(client, world):
    round_ = empty_round(world)
    login(client, world.organiser)

    page = text(client.get(base(world, round_)))
    client.post(f"{base(world, round_)}/default")

    assert "Use the default rubric" in page
    assert names(round_) == ["Innovation", "Impact", "Feasibility", "Scalability", "Team"]
    weights = db.session.scalars(select(Criterion.weight).where(Criterion.round_id == round_.id))
    assert sum(weights) == Decimal("1")
    assert actions()[-1] == "rubric.default"


def test_the_default_rubric_does_not_silently_replace_existing_criteria(client, world):
    login(client, world.organiser)

    response = client.post(f"{base(world)}/default", follow_redirects=True)

    assert "This round already has criteria" in text(response)
    assert names(world.round) == ["Innovation", "Impact", "Team"]


def test_copying_a_rubric_from_another_round_copies_every_criterion(client, world):
    round_ = empty_round(world)
    login(client, world.organiser)

    form = text(client.get(f"{base(world, round_)}/copy"))
    response = client.post(f"{base(world, round_)}/copy", data={"source": world.round.id})

    assert f"Digital SME Awards · {world.round.name}" in form
    assert response.status_code == 302
    copied = db.session.scalars(
        select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
    ).all()
    assert [(c.name, c.weight, c.independent) for c in copied] == [
        ("Innovation", Decimal("2"), False),
        ("Impact", Decimal("1"), False),
        ("Team", Decimal("1"), True),
    ]
    assert actions()[-1] == "rubric.copied"


def test_copying_offers_only_rounds_of_challenges_the_organiser_runs(client, world):
    foreign = make_round(world.other_challenge, "Elsewhere")
    make_criterion(foreign, "Secret")
    round_ = empty_round(world)
    login(client, world.organiser)

    page = text(client.get(f"{base(world, round_)}/copy"))
    response = client.post(f"{base(world, round_)}/copy", data={"source": foreign.id})

    assert "Elsewhere" not in page
    assert response.status_code == 200
    assert names(round_) == []


def test_copying_replaces_existing_criteria_only_when_asked(client, world):
    round_ = empty_round(world)
    make_criterion(round_, "Old")
    login(client, world.organiser)

    refused = client.post(f"{base(world, round_)}/copy", data={"source": world.round.id})
    client.post(f"{base(world, round_)}/copy", data={"source": world.round.id, "replace": "y"})

    assert "This round already has criteria" in text(refused)
    assert names(round_) == ["Innovation", "Impact", "Team"]


def test_copying_into_a_marked_round_is_refused(client, world):
    make_sheet(world.assignment_a, {world.criteria[0]: 3})
    other = make_challenge("Another", slug="another", organisers=[world.organiser])
    source = make_round(other, "Semi")
    make_criterion(source, "Fresh")
    login(client, world.organiser)

    response = client.post(f"{base(world)}/copy", data={"source": source.id, "replace": "y"})

    assert "cannot be replaced" in text(response)
    assert names(world.round) == ["Innovation", "Impact", "Team"]


def test_another_organisers_round_is_not_found(client, world):
    login(client, world.other_organiser)

    assert client.get(base(world)).status_code == 404
    assert client.post(f"{base(world)}/{world.criteria[0].id}/delete").status_code == 404
    assert names(world.round) == ["Innovation", "Impact", "Team"]


def test_a_criterion_of_another_round_is_not_found(client, world):
    round_ = empty_round(world)
    login(client, world.organiser)

    assert client.get(f"{base(world, round_)}/{world.criteria[0].id}/edit").status_code == 404


def test_the_level_guide_is_shown_from_the_lowest_level_up(client, world):
    round_ = empty_round(world)
    make_criterion(round_, "Depth", scale_min=0, scale_max=10, guide={"10": "Deep", "2": "Shallow"})
    login(client, world.organiser)

    page = text(client.get(base(world, round_)))

    assert page.index("Shallow") < page.index("Deep")


def test_the_rubric_buttons_carry_a_csrf_token(app, client, world):
    login(client, world.organiser)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = text(client.get(base(world)))
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        refused = client.post(f"{base(world)}/{world.criteria[1].id}/move", data={"direction": "up"})
        moved = client.post(
            f"{base(world)}/{world.criteria[1].id}/move", data={"direction": "up", "csrf_token": token}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert refused.status_code == 400
    assert moved.status_code == 302
    assert names(world.round) == ["Impact", "Innovation", "Team"]
