"""The public list of challenges and a challenge's page, as visitors, entrants and organisers see them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import url_for

from judging.core.lifecycle import ChallengeStatus
from judging.extensions import db
from tests.factories import login, make_challenge, make_user


def section(html: str, name: str) -> str:
    """The HTML of the index's ``<section>`` for ``name`` (open, upcoming, past); empty when absent."""
    found = re.search(rf'<section aria-labelledby="{name}-heading">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def test_index_lists_open_upcoming_and_past_challenges_apart(client, world):
    make_challenge(
        "Green Future Prize", slug="green", opens_in=timedelta(days=5), closes_in=timedelta(days=40)
    )
    make_challenge(
        "Last Year's Awards", slug="old", opens_in=timedelta(days=-60), closes_in=timedelta(days=-30)
    )
    make_challenge("Judged Challenge", slug="judged", status=ChallengeStatus.JUDGING)

    html = client.get("/").get_data(as_text=True)

    assert "Digital SME Awards" in section(html, "open")
    assert "Innovation Challenge" in section(html, "open")
    assert "Green Future Prize" in section(html, "upcoming")
    assert "Green Future Prize" not in section(html, "open")
    assert "Last Year&#39;s Awards" in section(html, "past")  # open in the database, closed by the clock
    assert "Judged Challenge" in section(html, "past")


def test_index_never_lists_drafts_even_for_their_organisers(client, world):
    login(client, world.organiser)

    html = client.get("/").get_data(as_text=True)

    assert "Unpublished Call" not in html


def test_index_open_challenge_says_when_it_closes(client, world):
    world.challenge.closes_at = datetime.now(UTC) + timedelta(days=5, hours=1)
    db.session.commit()

    html = client.get("/").get_data(as_text=True)

    assert "Closes in 5 days" in section(html, "open")


def test_challenge_page_shows_the_deadline_in_the_challenge_zone_and_the_readers_zone(client, world):
    world.challenge.timezone = "Europe/Paris"
    world.challenge.closes_at = datetime(2027, 2, 28, 23, 0, tzinfo=UTC)  # midnight in Paris
    world.entrant_a.timezone = "America/New_York"
    db.session.commit()
    login(client, world.entrant_a)

    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    assert "Mon 1 Mar 2027, 00:00 (CET, Europe/Paris)" in html
    assert "your time: Sun 28 Feb 2027, 18:00 (EST, America/New_York)" in html


def test_challenge_page_reader_in_the_same_zone_sees_the_deadline_once(client, world):
    world.challenge.timezone = "Europe/Paris"
    world.challenge.closes_at = datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    world.entrant_a.timezone = "Europe/Paris"
    db.session.commit()
    login(client, world.entrant_a)

    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    assert html.count("Mon 1 Mar 2027, 00:00") == 1
    assert "your time:" not in html


def test_challenge_page_says_closes_in_n_days(client, world):
    world.challenge.closes_at = datetime.now(UTC) + timedelta(days=12, hours=3)
    db.session.commit()

    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    assert "Closes in 12 days" in html
    assert "Sign in to enter" in html


def test_challenge_page_after_the_deadline_says_closed(client, world):
    world.challenge.closes_at = datetime.now(UTC) - timedelta(days=2, hours=1)
    db.session.commit()

    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    assert "Closed 2 days ago" in html
    assert "Entries are closed." in html
    assert "Enter this challenge" not in html
    assert "Sign in to enter" not in html


def test_challenge_page_shows_categories_eligibility_and_rules(client, world):
    challenge = world.challenge
    challenge.categories[0].description = "Networks that reach **rural** areas."
    challenge.max_employees = 50
    challenge.allowed_countries = ["NG", "KE"]
    challenge.max_entries_per_organisation = 2
    challenge.rules = "1. One deck per entry\n2. English or French"
    db.session.commit()

    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    assert "Connectivity" in html
    assert "Networks that reach <strong>rural</strong> areas." in html
    assert "Organisations with at most 50 employees." in html
    assert "Organisations based in: Kenya, Nigeria." in html
    assert "At most 2 entries per organisation." in html
    assert "<li>One deck per entry</li>" in html


def test_challenge_page_without_limits_says_everyone_may_enter(client, world):
    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    assert "Organisations of any size." in html
    assert "Organisations from every country." in html
    assert "No limit on entries per organisation." in html


def test_challenge_page_markdown_script_is_never_run(client, world):
    world.challenge.description = 'Hello <script>alert("x")</script> **bold** [x](javascript:alert(1))'
    db.session.commit()

    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<strong>bold</strong>" in html


def test_challenge_page_entrant_with_organisation_gets_the_enter_link(client, world):
    login(client, world.entrant_a)

    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    assert 'href="/challenges/sme-awards/enter"' in html
    assert "Enter this challenge" in html


def test_challenge_page_user_without_organisation_is_sent_to_create_one(client, world):
    newcomer = make_user("new@example.org")
    login(client, newcomer)

    html = client.get("/challenges/sme-awards").get_data(as_text=True)

    with client.application.test_request_context():
        organisation_page = url_for("accounts.organisation")
    assert f'href="{organisation_page}"' in html
    assert "Enter this challenge" not in html


def test_challenge_page_upcoming_challenge_is_not_open_yet(client, world):
    make_challenge(
        "Green Future Prize", slug="green", opens_in=timedelta(days=5), closes_in=timedelta(days=40)
    )

    html = client.get("/challenges/green").get_data(as_text=True)

    assert "Opens in 5 days" in html
    assert '<span class="badge badge-upcoming">Opening soon</span>' in html
    assert "Entries are not open yet." in html
    assert "Sign in to enter" not in html


def test_challenge_page_draft_is_404_for_the_public_and_entrants(client, world):
    assert client.get("/challenges/unpublished").status_code == 404
    login(client, world.entrant_a)
    assert client.get("/challenges/unpublished").status_code == 404
    login(client, world.other_organiser)
    assert client.get("/challenges/unpublished").status_code == 404


def test_challenge_page_draft_preview_for_its_organiser(client, world):
    login(client, world.organiser)

    response = client.get("/challenges/unpublished")

    assert response.status_code == 200
    assert "Draft preview." in response.get_data(as_text=True)
    assert "Manage this challenge" in response.get_data(as_text=True)


def test_challenge_page_unknown_slug_is_404(client, world):
    assert client.get("/challenges/nothing-here").status_code == 404
