"""Organisers' standings page and ranking settings: order, ranks, intervals, flags, methods, tie-breaks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from judging.assignments.models import Round
from judging.audit import AuditEvent
from judging.core.ranking import Method
from judging.errors import DomainError
from judging.extensions import db
from judging.results.standings_services import update_ranking_settings
from judging.scoring.models import Criterion
from judging.submissions.models import Submission
from tests.factories import (
    login,
    make_criterion,
    make_judge,
    make_organisation,
    make_round,
    make_submission,
    make_user,
    score_entries,
)


@dataclass
class Programme:
    round: Round
    entries: dict[str, Submission]
    innovation: Criterion
    impact: Criterion

    def url(self, page: str = "standings") -> str:
        return f"/manage/sme-awards/rounds/{self.round.id}/{page}"


def programme(world, *, titles: dict[str, str] | None = None, **round_fields) -> Programme:
    """A second round of the world's challenge, ranked by the plain mean, with four entries in
    Connectivity and two judges (Nadia, Omar; two sheets per entry expected):

    Kilo 10 and 9 (mean 9.5), Lima 8 and 7 (7.5), Mike 6 from Nadia only (few sheets; Innovation 4,
    Impact 2), November 2 and 10 (mean 6, judges disagree; Innovation 3, Impact 3). Mike and November
    tie on the mean and on the median."""
    titles = titles or {}
    entries = {
        name: make_submission(
            world.challenge, make_organisation(f"{name} Ltd"), title=titles.get(name, f"{name} project")
        )
        for name in ("Kilo", "Lima", "Mike", "November")
    }
    fields = {"ranking_method": "raw_mean", "judges_per_entry": 2, **round_fields}
    round_ = make_round(world.challenge, "Semi-final", position=2, entries=list(entries.values()), **fields)
    innovation = make_criterion(round_, "Innovation", position=0)
    impact = make_criterion(round_, "Impact", position=1)
    nadia = make_judge(world.challenge, make_user("nadia@jury.example", name="Nadia Njoroge"))
    omar = make_judge(world.challenge, make_user("omar@jury.example", name="Omar Okafor"))
    e = entries
    score_entries(
        round_,
        {
            (nadia, e["Kilo"]): {innovation: 5, impact: 5},
            (omar, e["Kilo"]): {innovation: 5, impact: 4},
            (nadia, e["Lima"]): {innovation: 4, impact: 4},
            (omar, e["Lima"]): {innovation: 4, impact: 3},
            (nadia, e["Mike"]): {innovation: 4, impact: 2},
            (nadia, e["November"]): {innovation: 1, impact: 1},
            (omar, e["November"]): {innovation: 5, impact: 5},
        },
    )
    return Programme(round_, entries, innovation, impact)


def _order(html: str, *names: str) -> list[str]:
    return sorted(names, key=lambda name: html.index(f"{name} project"))


def test_standings_show_entries_in_rank_order_with_method_and_intervals(client, world):
    p = programme(world)
    login(client, world.organiser)

    response = client.get(p.url())

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _order(html, "Kilo", "Lima", "Mike", "November") == ["Kilo", "Lima", "Mike", "November"]
    assert "Ranked by: Mean of the judges&#39; totals" in html
    assert "resamples" in html and "95%" in html
    assert "Ties are broken by the higher median" in html
    assert "Nadia Njoroge: 10.00" in html  # per-judge totals by name
    assert "Kilo Ltd" in html
    assert "2/2" in html and "1/2" in html


def test_standings_flag_entries_and_link_to_assign_another_judge(client, world):
    p = programme(world)
    login(client, world.organiser)

    html = client.get(p.url()).get_data(as_text=True)

    assert "Judges disagree" in html and "Too few sheets" in html
    november_row = html[html.index("November project") :]
    november_row = november_row[: november_row.index("</tr>")]
    assert "judges disagree" in november_row
    assert "Assign another judge" in november_row
    link = re.search(r'href="([^"]+)">Assign another judge', november_row).group(1)
    november = db.session.scalar(select(Submission).where(Submission.title == "November project"))
    assert link == f"/manage/sme-awards/rounds/{p.round.id}/assignments?entry={november.id}#by-hand"
    form = client.get(link).get_data(as_text=True)
    assert f'<option value="{november.id}" selected>' in form  # the entry is chosen in "Assign by hand"
    kilo_row = html[html.index("Kilo project") :]
    assert "Assign another judge" not in kilo_row[: kilo_row.index("</tr>")]


def test_standings_compare_shows_every_method(client, world):
    p = programme(world)
    login(client, world.organiser)

    html = client.get(p.url() + "?compare=1").get_data(as_text=True)

    assert "Standardised per judge (z-score)" in html
    assert "Adjusted for each judge&#39;s leniency" in html
    assert html.count("Mean of the judges&#39; totals") >= 2  # named as the method used and as a column


def test_standings_draw_the_cutoff_line(client, world):
    p = programme(world, shortlist_size=2)
    login(client, world.organiser)

    html = client.get(p.url()).get_data(as_text=True)

    line = html.index("Cut-off: the entries above go through")
    assert html.index("Lima project") < line < html.index("Mike project")
    assert "The first 2 entries of each category go through." in html


def test_standings_empty_before_any_sheet(client, world):
    login(client, world.organiser)

    html = client.get(f"/manage/sme-awards/rounds/{world.round.id}/standings").get_data(as_text=True)

    assert "No score sheet has been submitted in this round yet" in html


def test_standings_unknown_category_is_not_found(client, world):
    p = programme(world)
    login(client, world.organiser)

    assert client.get(p.url() + "?category=999999").status_code == 404
    other = world.challenge.categories[1].id
    assert "Kilo project" not in client.get(p.url() + f"?category={other}").get_data(as_text=True)


def test_settings_save_method_rules_and_cutoff(client, world):
    p = programme(world)
    login(client, world.organiser)

    response = client.post(
        p.url("standings/settings"),
        data={
            "method": "z_score",
            "tie_break_1": "spread",
            "tie_break_2": "",
            "tie_break_3": "",
            "cutoff": "3",
        },
    )

    assert response.status_code == 302
    db.session.refresh(p.round)
    assert (p.round.ranking_method, p.round.tie_break, p.round.shortlist_size) == ("z_score", ["spread"], 3)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.ranking_settings")).all()
    assert len(events) == 1
    html = client.get(p.url()).get_data(as_text=True)
    assert "Ranked by: Standardised per judge (z-score)" in html


def test_settings_refuse_a_rule_chosen_twice_and_keep_the_input(client, world):
    p = programme(world)
    login(client, world.organiser)

    response = client.post(
        p.url("standings/settings"),
        data={"method": "raw_mean", "tie_break_1": "sheets", "tie_break_2": "sheets", "cutoff": "4"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This rule is chosen already" in html
    assert 'value="4"' in html
    assert html.count('<option selected value="sheets">') == 2
    db.session.refresh(p.round)
    assert p.round.tie_break == ["median"]


def test_settings_refuse_a_criterion_of_another_round(world):
    p = programme(world)
    other = world.criteria[0]  # of the world's first round

    try:
        update_ranking_settings(
            p.round,
            method=Method.RAW_MEAN,
            tie_break=[f"criterion:{other.id}"],
            cutoff=None,
            actor=world.organiser,
        )
    except DomainError as error:
        assert error.field == "tie_break_1"
    else:
        raise AssertionError("a criterion of another round was accepted")


def test_settings_tie_break_by_criterion_changes_the_order(client, world):
    p = programme(world)
    login(client, world.organiser)

    html = client.get(p.url()).get_data(as_text=True)
    assert _order(html, "Mike", "November") == ["Mike", "November"]  # equal: shared rank, by id

    update_ranking_settings(
        p.round,
        method=Method.RAW_MEAN,
        tie_break=[f"criterion:{p.impact.id}"],
        cutoff=None,
        actor=world.organiser,
    )
    html = client.get(p.url()).get_data(as_text=True)
    assert _order(html, "Mike", "November") == ["November", "Mike"]
    assert "higher mean mark on “Impact”" in html

    update_ranking_settings(
        p.round,
        method=Method.RAW_MEAN,
        tie_break=[f"criterion:{p.innovation.id}"],
        cutoff=None,
        actor=world.organiser,
    )
    html = client.get(p.url()).get_data(as_text=True)
    assert _order(html, "Mike", "November") == ["Mike", "November"]


def test_progress_page_links_to_the_standings(client, world):
    login(client, world.organiser)

    html = client.get("/manage/sme-awards/progress").get_data(as_text=True)

    assert f"/manage/sme-awards/rounds/{world.round.id}/standings" in html


def test_settings_refuse_a_cutoff_below_one_and_keep_the_input(client, world):
    p = programme(world)
    login(client, world.organiser)

    response = client.post(
        p.url("standings/settings"), data={"method": "judge_bias", "tie_break_1": "spread", "cutoff": "0"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give a whole number of at least 1." in html
    assert '<option selected value="spread">' in html
    assert 'value="judge_bias"' in html.split("checked")[1][:80]
    db.session.refresh(p.round)
    assert (p.round.ranking_method, p.round.shortlist_size) == ("raw_mean", None)
