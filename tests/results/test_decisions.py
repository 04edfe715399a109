"""Staged decisions: saving, changing and clearing outcomes, the winners limit, labels and suggestions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from judging.audit import AuditEvent
from judging.errors import DomainError
from judging.extensions import db
from judging.results.decision_services import stage_decisions, update_results_settings
from judging.results.models import Decision, Outcome
from tests.factories import (
    login,
    make_challenge,
    make_criterion,
    make_decision,
    make_judge,
    make_organisation,
    make_round,
    make_submission,
    score_entries,
)

URL = "/manage/decide/decisions"
MARKS = {"Conn A": (0, 5), "Conn B": (0, 4), "Conn C": (0, 3), "Conn D": (0, 1), "Health A": (1, 5)}


@pytest.fixture
def programme(world):
    """A challenge whose second (last) round holds five scored entries; round 1 holds one more entry."""
    challenge = make_challenge("Decision Awards", slug="decide", organisers=[world.organiser])
    entries = {
        title: make_submission(
            challenge, make_organisation(f"{title} Ltd"), title=title, category=challenge.categories[category]
        )
        for title, (category, _mark) in MARKS.items()
    }
    dropped = make_submission(challenge, make_organisation("Dropped Ltd"), title="Dropped entry")
    make_round(challenge, "Semi-final", entries=[*entries.values(), dropped])
    final = make_round(challenge, "Final", position=2, entries=list(entries.values()), shortlist_size=3)
    criterion = make_criterion(final, "Pitch")
    judge = make_judge(challenge)
    score_entries(final, {(judge, entries[title]): {criterion: mark} for title, (_c, mark) in MARKS.items()})
    return challenge, entries


def _staged(challenge) -> dict[str, Outcome]:
    decisions = db.session.scalars(select(Decision).where(Decision.challenge_id == challenge.id))
    return {decision.submission.title: decision.outcome for decision in decisions}


def _form(entries, **chosen: str) -> dict[str, str]:
    data = {f"outcome_{entry.id}": "" for entry in entries.values()}
    data.update({f"outcome_{entries[title.replace('_', ' ')].id}": value for title, value in chosen.items()})
    return data


def test_decisions_page_lists_the_last_rounds_entries_in_standings_order(client, world, programme):
    _challenge, _entries = programme
    login(client, world.organiser)

    page = client.get(URL).get_data(as_text=True)

    assert "Entries of Final" in page
    assert page.index("Conn A") < page.index("Conn B") < page.index("Conn C") < page.index("Conn D")
    assert "Dropped entry" not in page
    assert "— no decision —" in page
    assert "Honourable mention" in page


def test_decisions_save_creates_staged_decisions(client, world, programme):
    challenge, entries = programme
    login(client, world.organiser)

    response = client.post(
        URL, data=_form(entries, Conn_A="winner", Conn_B="runner_up"), follow_redirects=True
    )

    assert "2 decisions changed." in response.get_data(as_text=True)
    assert _staged(challenge) == {"Conn A": Outcome.WINNER, "Conn B": Outcome.RUNNER_UP}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "decision.staged")).all()
    assert sorted((e.before["outcome"], e.after["outcome"]) for e in events) == [
        (None, "runner_up"),
        (None, "winner"),
    ]


def test_decisions_save_updates_and_clears_decisions(client, world, programme):
    challenge, entries = programme
    make_decision(entries["Conn A"], Outcome.WINNER)
    make_decision(entries["Conn B"], Outcome.FINALIST)
    login(client, world.organiser)

    client.post(URL, data=_form(entries, Conn_A="runner_up", Health_A="winner"))

    assert _staged(challenge) == {"Conn A": Outcome.RUNNER_UP, "Health A": Outcome.WINNER}


def test_decisions_page_shows_the_staged_outcome_selected(client, world, programme):
    _challenge, entries = programme
    make_decision(entries["Conn C"], Outcome.HONOURABLE_MENTION)
    login(client, world.organiser)

    page = client.get(URL).get_data(as_text=True)

    assert '<option selected value="honourable_mention">' in page


def test_decisions_refuse_too_many_winners_writing_nothing(client, world, programme):
    challenge, entries = programme
    login(client, world.organiser)

    response = client.post(URL, data=_form(entries, Conn_A="winner", Conn_B="winner", Health_A="winner"))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Too many winners in Connectivity: at most 1 per category." in page
    assert _staged(challenge) == {}
    assert page.count('<option selected value="winner">') == 3  # what the organiser chose is kept


def test_decisions_count_winners_already_staged_outside_the_form(world, programme):
    challenge, entries = programme
    make_decision(entries["Conn A"], Outcome.WINNER)

    with pytest.raises(DomainError, match="Connectivity"):
        stage_decisions(challenge, {entries["Conn B"].id: Outcome.WINNER}, actor=world.organiser)

    assert _staged(challenge) == {"Conn A": Outcome.WINNER}


def test_decisions_refuse_entries_of_another_challenge(world, programme):
    challenge, _entries = programme

    with pytest.raises(DomainError, match="not in this challenge"):
        stage_decisions(challenge, {world.submission_a.id: Outcome.WINNER}, actor=world.organiser)


def test_decisions_page_shows_renamed_labels(client, world, programme):
    challenge, _entries = programme
    update_results_settings(
        challenge,
        labels={Outcome.WINNER: "Gold award", Outcome.RUNNER_UP: ""},
        winners_per_category=1,
        feedback_to_entrants=False,
        actor=world.organiser,
    )
    login(client, world.organiser)

    page = client.get(URL).get_data(as_text=True)

    assert '<option value="winner">Gold award</option>' in page
    assert '<option value="runner_up">Runner-up</option>' in page


def test_decisions_suggest_prefills_from_the_standings_without_saving(client, world, programme):
    challenge, entries = programme
    login(client, world.organiser)

    page = client.get(URL + "?suggest=1").get_data(as_text=True)

    assert "Suggested from the standings and not saved yet" in page
    for title, outcome in {
        "Conn A": "winner",
        "Conn B": "runner_up",
        "Conn C": "finalist",
        "Conn D": "not_selected",
        "Health A": "winner",
    }.items():
        field = f'name="outcome_{entries[title].id}"'
        start = page.index(field)
        assert f'<option selected value="{outcome}">' in page[start : page.index("</select>", start)]
    assert _staged(challenge) == {}


def test_decisions_links_to_publication_when_it_exists(client, world, programme, app):
    login(client, world.organiser)

    page = client.get(URL).get_data(as_text=True)

    assert ('href="/manage/decide/results"' in page) == ("publication.overview" in app.view_functions)


def test_settings_save_labels_limit_and_feedback(client, world, programme):
    challenge, _entries = programme
    login(client, world.organiser)

    response = client.post(
        URL + "/settings",
        data={"label_winner": "  Gold   award ", "winners_per_category": "2", "feedback_to_entrants": "y"},
        follow_redirects=True,
    )

    assert "Results settings saved." in response.get_data(as_text=True)
    assert challenge.outcome_labels == {"winner": "Gold award"}
    assert challenge.winners_per_category == 2
    assert challenge.feedback_to_entrants is True
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "challenge.results_settings")
    ).one()


def test_settings_refuse_a_long_label_and_a_bad_limit_keeping_the_input(client, world, programme):
    challenge, _entries = programme
    login(client, world.organiser)

    response = client.post(URL + "/settings", data={"label_finalist": "x" * 61, "winners_per_category": "21"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "x" * 61 in page
    assert "Number must be between 1 and 20." in page
    assert challenge.winners_per_category == 1


def test_settings_refuse_a_limit_below_the_winners_already_staged(world, programme):
    challenge, entries = programme
    update_results_settings(
        challenge, labels={}, winners_per_category=2, feedback_to_entrants=False, actor=world.organiser
    )
    stage_decisions(
        challenge,
        {entries["Conn A"].id: Outcome.WINNER, entries["Conn B"].id: Outcome.WINNER},
        actor=world.organiser,
    )

    with pytest.raises(DomainError, match="Connectivity"):
        update_results_settings(
            challenge, labels={}, winners_per_category=1, feedback_to_entrants=False, actor=world.organiser
        )
