"""The judge's dashboard lists a round's assignments 200 a page; progress counts every assignment."""

from __future__ import annotations

import re

from tests.browsing import link_href
from tests.bulk import judged_round
from tests.factories import login


def _titles(page: str) -> list[str]:
    return re.findall(r"<td>(?:<a [^>]*>)?(Entry \d{4})", page)


def test_judge_dashboard_page_two_shows_the_next_assignments_and_the_same_progress(client, app):
    programme = judged_round(250, sheets=100)
    login(client, programme.judge)

    first = client.get("/judging/").get_data(as_text=True)
    following = link_href(first, "Next page")
    second = client.get(following).get_data(as_text=True)

    assert _titles(first) == [f"Entry {i:04d}" for i in range(200)]
    assert "Showing 1–200 of your 250 entries in this round." in first
    assert following == f"/judging/?page-{programme.round.id}=2"
    assert _titles(second) == [f"Entry {i:04d}" for i in range(200, 250)]
    assert "Showing 201–250 of your 250 entries in this round." in second
    assert "100 of 250 scored" in first
    assert "100 of 250 scored" in second


def test_judge_dashboard_page_past_the_end_shows_the_last_page(client, app):
    programme = judged_round(250, sheets=0)
    login(client, programme.judge)

    response = client.get(f"/judging/?page-{programme.round.id}=40")

    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True)) == [f"Entry {i:04d}" for i in range(200, 250)]


def test_judge_dashboard_short_list_has_no_page_links(client, world):
    login(client, world.judge)

    page = client.get("/judging/").get_data(as_text=True)

    assert "Alpha mesh for clinics" in page
    assert "Next page" not in page
    assert "Showing" not in page
