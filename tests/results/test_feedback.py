"""The entrant's outcome and feedback report: members only, after publication, from the snapshot."""

from __future__ import annotations

import re

from sqlalchemy import select

from judging.extensions import db
from judging.results.models import Outcome
from judging.results.public_views import entry_report
from judging.results.publish_services import publish_results
from judging.scoring.models import ScoreSheet
from tests.factories import login
from tests.results.test_publication import change_after_publication, programme


def _url(world) -> str:
    return f"/entries/{world.submission_a.id}/results"


def test_entry_results_404_before_publication(client, world):
    programme(world)

    assert login(client, world.entrant_a).get(_url(world)).status_code == 404


def test_entry_results_404_for_other_organisations_and_organisers(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    for user in (world.entrant_b, world.organiser, world.judge):
        assert login(client, user).get(_url(world)).status_code == 404


def test_entry_results_show_outcome_percentile_averages_and_anonymous_feedback(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    response = login(client, world.entrant_a).get(_url(world))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Winner" in page
    assert "ranked 1 of 3 in your category, at or above 100% of its entries" in page
    assert "<svg" in page
    assert "Innovation" in page
    assert "4.5" in page  # Alpha's mean Innovation mark (5 and 4)
    assert "Team" not in page  # independent criteria are not compared
    assert "Judge 1" in page
    assert "Judge 2" in page
    assert "A strong pilot." in page
    assert "Great team." in page
    assert "Judy Judge" not in page
    assert "Theo Third" not in page


def test_entry_report_compares_with_the_category_average(world):
    gamma = programme(world)
    data = publish_results(world.challenge, reason=None, actor=world.organiser).data

    report = entry_report(data, gamma.id)

    assert (report.rank, report.count, report.percentile) == (3, 3, 33)
    innovation = report.criteria[0]
    assert innovation.name == "Innovation"
    assert innovation.entry_mean == 1.5
    assert innovation.category_mean == (4.5 + 3 + 1.5) / 3
    assert [row.name for row in report.criteria] == ["Innovation", "Impact"]


def test_entry_results_without_feedback_show_only_the_outcome(client, world):
    programme(world, feedback=False)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    page = (
        login(client, world.entrant_b).get(f"/entries/{world.submission_b.id}/results").get_data(as_text=True)
    )

    assert "Runner-up" in page
    assert "Feedback report" not in page
    assert "Needs evidence." not in page


def test_entry_results_unchanged_by_later_changes(client, world):
    gamma = programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    login(client, world.entrant_b)
    url = f"/entries/{world.submission_b.id}/results"
    before = client.get(url).get_data(as_text=True)

    change_after_publication(world, gamma)
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == world.assignment_b.id))
    sheet.feedback = "Rewritten after publication."
    db.session.commit()

    after = client.get(url).get_data(as_text=True)
    assert "Needs evidence." in after
    assert _without_chart_ids(after) == _without_chart_ids(before)
    assert "Runner-up" in after
    assert "Honourable mention" not in after


def test_entry_page_links_to_results_once_published(client, world):
    programme(world)
    login(client, world.entrant_a)
    assert "See your outcome and feedback" not in client.get(f"/entries/{world.submission_a.id}").get_data(
        as_text=True
    )

    publish_results(world.challenge, reason=None, actor=world.organiser)

    page = client.get(f"/entries/{world.submission_a.id}").get_data(as_text=True)
    assert _url(world) in page


def _without_chart_ids(page: str) -> str:
    return re.sub(r"chart-[0-9a-f]{8}", "chart", page)


def test_outcome_label_renamed_after_publication_is_not_shown(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    world.challenge.outcome_labels = {Outcome.WINNER.value: "Champion"}
    db.session.commit()

    page = login(client, world.entrant_a).get(_url(world)).get_data(as_text=True)

    assert "Winner" in page
    assert "Champion" not in page
