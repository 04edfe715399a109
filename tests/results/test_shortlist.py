"""Shortlisting: sending a round's entries through to the next round, and telling the entrants."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from judging.assignments.models import RoundEntry
from judging.audit import AuditEvent
from judging.errors import DomainError
from judging.extensions import db
from judging.results import shortlist_services
from judging.results.shortlist_services import advance_entries, release_outcomes
from tests.factories import (
    login,
    mail_body,
    make_assignment,
    make_challenge,
    make_criterion,
    make_judge,
    make_organisation,
    make_round,
    make_submission,
    make_user,
    read_outbox,
    score_entries,
)

MARKS = {  # title -> (category index, marks of the two judges)
    "Conn A": (0, 5, 5),
    "Conn B": (0, 4, 4),
    "Conn C": (0, 2, 2),
    "Health A": (1, 5, 4),
    "Health B": (1, 3, 3),
}


@pytest.fixture
def programme(world):
    """A challenge organised by the world's organiser: five scored entries in round 1, an empty round 2.
    Each entry's organisation has one member, whose e-mail is ``<title>@entrant.example``."""
    challenge = make_challenge("Shortlist Awards", slug="shortlist", organisers=[world.organiser])
    entries = {}
    for title, (category, _one, _two) in MARKS.items():
        organisation = make_organisation(f"{title} Ltd")
        make_user(
            f"{title.replace(' ', '.').lower()}@entrant.example",
            name=f"{title} Lead",
            organisation=organisation,
        )
        entries[title] = make_submission(
            challenge, organisation, title=title, category=challenge.categories[category]
        )
    first = make_round(challenge, "Semi-final", entries=list(entries.values()), shortlist_size=1)
    second = make_round(challenge, "Final", position=2)
    criterion = make_criterion(first, "Innovation")
    judges = [make_judge(challenge), make_judge(challenge)]
    score_entries(
        first,
        {
            (judge, entries[title]): {criterion: marks[index + 1]}
            for title, marks in MARKS.items()
            for index, judge in enumerate(judges)
        },
    )
    return challenge, first, second, entries, judges


def _held(round_) -> set[str]:
    rows = db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == round_.id))
    return {row.submission.title for row in rows}


def _url(round_, suffix="advance") -> str:
    return f"/manage/shortlist/rounds/{round_.id}/{suffix}"


def _ids(entries, *titles) -> list[str]:
    return [str(entries[title].id) for title in titles]


def test_advance_top_n_preview_selects_the_top_of_each_category(client, world, programme):
    _challenge, first, second, entries, _judges = programme
    login(client, world.organiser)

    page = client.get(_url(first) + "?mode=top&n=1").get_data(as_text=True)

    for title in ("Conn A", "Health A"):
        assert f'name="entries" value="{entries[title].id}"' in page
    for title in ("Conn B", "Conn C", "Health B"):
        assert f'name="entries" value="{entries[title].id}"' not in page
    assert _held(second) == set()  # a preview saves nothing


def test_advance_top_n_per_category_puts_exactly_those_entries_in_the_next_round(client, world, programme):
    _challenge, first, second, entries, _judges = programme
    login(client, world.organiser)

    response = client.post(
        _url(first), data={"entries": _ids(entries, "Conn A", "Health A")}, follow_redirects=True
    )

    assert "2 entries now go through to Final." in response.get_data(as_text=True)
    assert _held(second) == {"Conn A", "Health A"}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.advance")).one()
    assert event.after["added"] == sorted([entries["Conn A"].id, entries["Health A"].id])


def test_advance_threshold_preview_selects_entries_scoring_at_least_the_minimum(client, world, programme):
    _challenge, first, _second, entries, _judges = programme
    login(client, world.organiser)

    page = client.get(_url(first) + "?mode=threshold&minimum=4").get_data(as_text=True)

    chosen = {title for title, entry in entries.items() if f'name="entries" value="{entry.id}"' in page}
    assert chosen == {"Conn A", "Conn B", "Health A"}


def test_advance_threshold_without_a_minimum_shows_an_error(client, world, programme):
    _challenge, first, _second, _entries, _judges = programme
    login(client, world.organiser)

    response = client.get(_url(first) + "?mode=threshold&minimum=")

    assert response.status_code == 400
    assert "Enter the lowest score that goes through." in response.get_data(as_text=True)


@pytest.mark.parametrize("minimum", ["nan", "inf", "-inf"])
def test_advance_threshold_that_is_not_a_number_shows_an_error(client, world, programme, minimum):
    _challenge, first, _second, entries, _judges = programme
    login(client, world.organiser)

    response = client.get(_url(first) + f"?mode=threshold&minimum={minimum}")

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter an ordinary number." in page
    assert not any(f'name="entries" value="{entry.id}" checked' in page for entry in entries.values())


def test_advance_by_hand_lists_checkboxes_checked_with_the_next_rounds_entries(client, world, programme):
    _challenge, first, second, entries, _judges = programme
    advance_entries(first, {entries["Conn B"].id}, actor=world.organiser)
    login(client, world.organiser)

    page = client.get(_url(first)).get_data(as_text=True)

    assert f'value="{entries["Conn B"].id}" id="entry-{entries["Conn B"].id}" checked' in page
    assert f'value="{entries["Conn A"].id}" id="entry-{entries["Conn A"].id}" aria-label' in page
    assert "Final holds 1 entry now." in page
    assert page.index("Conn A") < page.index("Conn B") < page.index("Conn C")  # standings order


def test_advance_by_hand_replaces_the_next_rounds_entries(client, world, programme):
    _challenge, first, second, entries, _judges = programme
    advance_entries(first, {entries["Conn B"].id, entries["Health B"].id}, actor=world.organiser)
    login(client, world.organiser)

    client.post(_url(first), data={"entries": _ids(entries, "Conn C", "Health B")})

    assert _held(second) == {"Conn C", "Health B"}


def test_advance_refuses_removing_an_entry_assigned_in_the_next_round(client, world, programme):
    _challenge, first, second, entries, judges = programme
    advance_entries(first, {entries["Conn A"].id, entries["Health A"].id}, actor=world.organiser)
    make_assignment(second, judges[0], entries["Conn A"])
    login(client, world.organiser)

    response = client.post(_url(first), data={"entries": _ids(entries, "Health A", "Conn B")})

    assert response.status_code == 400
    assert "Judges are already assigned to these entries in Final" in response.get_data(as_text=True)
    assert "“Conn A”" in response.get_data(as_text=True)
    assert _held(second) == {"Conn A", "Health A"}


def test_advance_refuses_entries_of_another_round(world, programme):
    _challenge, first, _second, _entries, _judges = programme

    with pytest.raises(DomainError):
        advance_entries(first, {world.submission_a.id}, actor=world.organiser)


def test_advance_page_without_a_next_round_links_to_adding_one(client, world, programme):
    challenge, _first, second, _entries, _judges = programme
    login(client, world.organiser)

    page = client.get(_url(second)).get_data(as_text=True)

    assert "This is the last round" in page
    assert f'href="/manage/{challenge.slug}/rounds/new"' in page


def test_release_mails_each_entrant_once_in_their_language(app, client, world, programme, monkeypatch):
    challenge, first, second, entries, _judges = programme
    advance_entries(first, {entries["Conn A"].id, entries["Health A"].id}, actor=world.organiser)
    french = entries["Conn B"].organisation.members[0]
    french.language = "fr"
    challenge.translations = {"fr": {"title": "Prix Shortlist"}}
    db.session.commit()
    calls = []
    real = shortlist_services.send_template

    def spy(to, template, *, language=None, **context):
        calls.append((to, template, language))
        return real(to, template, language=language, **context)

    monkeypatch.setattr(shortlist_services, "send_template", spy)
    login(client, world.organiser)

    response = client.post(_url(first, "release"), follow_redirects=True)

    assert "Entrants were told: 2 entries go through, 3 do not." in response.get_data(as_text=True)
    assert "Entrants were told on" in response.get_data(as_text=True)
    sent = {message["To"]: message for message in read_outbox(app)}
    assert sorted(sent) == sorted(f"{t.replace(' ', '.').lower()}@entrant.example" for t in MARKS)
    assert sent["conn.a@entrant.example"]["Subject"] == "“Conn A” goes through to Final of Shortlist Awards"
    with force_locale("fr"):
        french_subject = gettext(
            "News about “%(title)s” in %(challenge)s", title="Conn B", challenge="Prix Shortlist"
        )
    assert french_subject != "News about “Conn B” in Prix Shortlist"
    assert sent["conn.b@entrant.example"]["Subject"] == french_subject
    assert "was not selected" not in mail_body(sent["conn.b@entrant.example"])
    assert "was not selected" in mail_body(sent["conn.c@entrant.example"])
    assert "goes through to Final" in mail_body(sent["health.a@entrant.example"])
    languages = {to: language for to, _template, language in calls}
    assert languages["conn.b@entrant.example"] == "fr"
    assert languages["conn.a@entrant.example"] == "en"
    assert first.outcome_released_at is not None


def test_release_refuses_a_second_release(app, client, world, programme):
    _challenge, first, _second, entries, _judges = programme
    advance_entries(first, {entries["Conn A"].id}, actor=world.organiser)
    release_outcomes(first, actor=world.organiser)
    before = len(read_outbox(app))
    login(client, world.organiser)

    response = client.post(_url(first, "release"), follow_redirects=True)

    assert "they are told only once" in response.get_data(as_text=True)
    assert len(read_outbox(app)) == before


def test_release_refuses_when_the_next_round_holds_no_entries(app, world, programme):
    _challenge, first, _second, _entries, _judges = programme

    with pytest.raises(DomainError, match="Choose the entries that go through"):
        release_outcomes(first, actor=world.organiser)

    assert read_outbox(app) == []
    assert first.outcome_released_at is None
