"""The organisers' entry list shows 200 entries a page, with page links that keep the filters."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import update

from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from judging.submissions.models import Submission
from tests.browsing import link_href
from tests.bulk import judged_round
from tests.factories import login

URL = "/manage/bulk-awards/entries"


def _titles(page: str) -> list[str]:
    return re.findall(r">(Entry \d{4})</a>", page)


def test_entry_list_page_two_shows_the_next_200_entries(client, app):
    programme = judged_round(450, sheets=0)
    login(client, programme.organiser)

    first = client.get(URL).get_data(as_text=True)
    second = client.get(link_href(first, "Next page")).get_data(as_text=True)

    assert _titles(first) == [f"Entry {i:04d}" for i in range(200)]
    assert "Showing 1–200 of 450 entries." in first
    assert _titles(second) == [f"Entry {i:04d}" for i in range(200, 400)]
    assert "Showing 201–400 of 450 entries." in second
    assert link_href(second, "Previous page") == URL


def test_entry_list_page_links_keep_the_filters(client, app):
    programme = judged_round(450, sheets=0)
    health = programme.challenge.categories[0]
    login(client, programme.organiser)

    first = client.get(f"{URL}?category={health.id}").get_data(as_text=True)
    following = link_href(first, "Next page")
    second = client.get(following).get_data(as_text=True)

    assert "Showing 1–200 of 225 matching entries (450 in all)." in first
    assert f"category={health.id}" in following
    assert _titles(second) == [f"Entry {i:04d}" for i in range(400, 450, 2)]
    assert "Showing 201–225 of 225 matching entries (450 in all)." in second


def test_entry_list_page_past_the_end_shows_the_last_page(client, app):
    programme = judged_round(450, sheets=0)
    login(client, programme.organiser)

    past = client.get(f"{URL}?page=99")
    nonsense = client.get(f"{URL}?page=two").get_data(as_text=True)

    assert past.status_code == 200
    assert _titles(past.get_data(as_text=True)) == [f"Entry {i:04d}" for i in range(400, 450)]
    assert _titles(nonsense)[0] == "Entry 0000"


def test_entry_list_short_list_has_no_page_links(client, world):
    login(client, world.organiser)

    page = client.get("/manage/sme-awards/entries").get_data(as_text=True)

    assert "Showing 2 of 2 entries." in page
    assert "Next page" not in page


def test_entry_list_export_from_a_later_page_still_has_every_entry(client, app):
    programme = judged_round(450, sheets=0)
    login(client, programme.organiser)

    second = client.get(f"{URL}?page=2").get_data(as_text=True)
    export = client.get(link_href(second, "Download these entries as CSV"))

    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert len(rows) == 1 + 450


def test_entry_list_status_filter_counts_only_that_status(client, app):
    programme = judged_round(450, sheets=0)
    db.session.execute(
        update(Submission)
        .where(Submission.id.in_(programme.entry_ids[:250]))
        .values(status=SubmissionStatus.INELIGIBLE)
    )
    db.session.commit()
    login(client, programme.organiser)

    first = client.get(f"{URL}?status=ineligible").get_data(as_text=True)
    last = client.get(f"{URL}?status=ineligible&page=9").get_data(as_text=True)

    assert "Showing 1–200 of 250 matching entries (450 in all)." in first
    assert _titles(last) == [f"Entry {i:04d}" for i in range(200, 250)]
