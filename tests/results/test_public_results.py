"""The public results page: public outcomes per category, from the snapshot only."""

from __future__ import annotations

from judging.extensions import db
from judging.results.models import Outcome
from judging.results.publish_services import publish_results
from tests.factories import login, make_decision, make_organisation, make_submission
from tests.results.test_publication import change_after_publication, programme

URL = "/challenges/sme-awards/results"


def test_public_results_404_before_publication_even_for_organisers(client, world):
    programme(world)

    assert client.get(URL).status_code == 404
    assert login(client, world.organiser).get(URL).status_code == 404


def test_public_results_list_public_outcomes_in_order_with_organisation_and_country(client, world):
    gamma = programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    response = client.get(URL)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index("Winner") < page.index("Alpha mesh for clinics") < page.index("Runner-up")
    assert page.index("Runner-up") < page.index("Beta telehealth")
    assert "Alpha Mesh Ltd" in page
    assert "Kenya" in page
    assert "Peru" in page
    assert "We connect rural clinics over low-cost mesh networks." in page
    assert gamma.title not in page
    assert "Not selected" not in page


def test_public_results_group_by_category_and_use_renamed_labels(client, world):
    programme(world)
    world.challenge.outcome_labels = {"winner": "Gold award"}
    db.session.commit()
    health = make_submission(
        world.challenge,
        make_organisation("Delta Care", country="FR"),
        category=world.challenge.categories[1],
        title="Delta care app",
    )
    make_decision(health, Outcome.FINALIST)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    page = client.get(URL).get_data(as_text=True)

    assert "Gold award" in page
    assert page.index("Connectivity") < page.index("Gold award") < page.index("E-health")
    assert page.index("E-health") < page.index("Finalist") < page.index("Delta care app")
    assert "France" in page


def test_public_results_unchanged_by_later_changes_until_published_again(client, world):
    gamma = programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    before = client.get(URL).get_data(as_text=True)

    change_after_publication(world, gamma)

    assert client.get(URL).get_data(as_text=True) == before
    publish_results(world.challenge, reason="Corrected.", actor=world.organiser)
    after = client.get(URL).get_data(as_text=True)
    assert "Honourable mention" in after
    assert "Runner-up" not in after


def test_challenge_page_links_to_results_once_published(client, world):
    programme(world)
    assert "See the results" not in client.get("/challenges/sme-awards").get_data(as_text=True)

    publish_results(world.challenge, reason=None, actor=world.organiser)

    assert URL in client.get("/challenges/sme-awards").get_data(as_text=True)
