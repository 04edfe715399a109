"""Organisers read an entry's scoring history: every saved change of every judge's sheet, from → to."""

from __future__ import annotations

from tests.factories import login
from tests.scoring.test_sheet import form, url


def history_url(world) -> str:
    return f"/manage/{world.challenge.slug}/rounds/{world.round.id}/entries/{world.submission_a.id}/history"


def test_history_lists_each_change_with_judge_version_and_values(client, world):
    login(client, world.judge)
    client.post(
        url(world), data=form(world, marks=(2, None, None), feedback="Promising", note="Ask about team")
    )
    client.post(
        url(world), data=form(world, version=1, action="submit", marks=(4, 3, None), feedback="Promising")
    )
    page = login(client, world.organiser).get(history_url(world)).get_data(as_text=True)
    assert page.count("<td>Judy Judge</td>") == 4  # two events, each: the sheet's judge and who acted
    assert "Mark: Innovation: – → 2" in page
    assert "Mark: Innovation: 2 → 4" in page
    assert "Mark: Impact: – → 3" in page
    assert "Feedback for the entrant: – → Promising" in page
    assert "Private note for the organisers: – → Ask about team" in page
    assert "Status: draft → submitted" in page
    assert "<td>2</td>" in page


def test_history_of_an_entry_without_sheets_says_so(client, world):
    page = login(client, world.organiser).get(history_url(world)).get_data(as_text=True)
    assert "No judge has saved a score sheet for this entry in this round yet." in page


def test_history_of_another_challenges_round_is_404(client, world):
    login(client, world.organiser)
    other = history_url(world).replace(world.challenge.slug, world.other_challenge.slug)
    assert client.get(other).status_code == 404


def test_the_progress_page_links_each_entry_to_its_scoring_history(client, world):
    login(client, world.organiser)

    html = client.get(f"/manage/sme-awards/rounds/{world.round.id}/progress").get_data(as_text=True)

    url = f"/manage/sme-awards/rounds/{world.round.id}/entries/{world.submission_a.id}/history"
    assert f'<a href="{url}">Scoring history</a>' in html
