"""Organisers' judges page: each judge's habits, the panel's agreement per category, and the charts."""

from __future__ import annotations

from judging.core.agreement import krippendorff_alpha, reading
from tests.factories import login, make_sheet
from tests.results.test_standings import programme


def test_judges_page_shows_leniency_offsets_and_agreement(client, world):
    p = programme(world)
    login(client, world.organiser)

    response = client.get(p.url("judges"))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # Nadia marks 1, 1 and 8 points below Omar on the entries they share.
    nadia = html[html.index('<th scope="row">Nadia Njoroge</th>') :]
    assert "−2.00 harsher than co-judges" in nadia[: nadia.index("</tr>")]
    omar = html[html.index('<th scope="row">Omar Okafor</th>') :]
    assert "+2.00 more generous than co-judges" in omar[: omar.index("</tr>")]
    assert "+1.00" in omar[: omar.index("</tr>")]  # the judge-bias model's offset
    alpha = krippendorff_alpha({1: [10, 9], 2: [8, 7], 3: [2, 10]})
    expected = {
        "good": "Judges agree well (α ≥ 0.80)",
        "tentative": "Judges agree only in part",
        "poor": "Judges agree little",
        "systematic": "Judges disagree systematically",
    }[reading(alpha)]
    assert expected in html


def test_judges_page_says_when_there_is_too_little_data_for_alpha(client, world):
    innovation, impact, _team = world.criteria
    make_sheet(world.assignment_a, {innovation: 4, impact: 3}, submitted=True)
    login(client, world.organiser)

    html = client.get(f"/manage/sme-awards/rounds/{world.round.id}/judges").get_data(as_text=True)

    assert "Not enough data: alpha needs at least two entries with two sheets or more." in html
    assert "no shared entry" in html


def test_judges_page_draws_charts_with_tables(client, world):
    p = programme(world, shortlist_size=2)
    login(client, world.organiser)

    html = client.get(p.url("judges")).get_data(as_text=True)

    assert html.count("<svg") == 2  # totals per judge, and ranks in Connectivity
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "Totals given by each judge" in html
    assert "Ranks and rank intervals in Connectivity" in html
    assert 'stroke-dasharray="5 3"' in html  # the cut-off line


def test_judges_page_empty_before_any_sheet(client, world):
    login(client, world.organiser)

    html = client.get(f"/manage/sme-awards/rounds/{world.round.id}/judges").get_data(as_text=True)

    assert "No score sheet has been submitted in this round yet" in html
    assert "<svg" not in html
