"""The language an entry is written in: chosen on the form, defaulting to the author's language."""

from __future__ import annotations

from judging.extensions import db
from judging.submissions.models import Submission
from tests.factories import login, make_user
from tests.submissions.helpers import edit_url, entry_form


def test_a_new_entry_starts_in_its_authors_language(client, world):
    author = make_user(organisation=world.organisation_a, language="es")
    login(client, author)
    category = world.challenge.categories[0]
    response = client.post(
        f"/challenges/{world.challenge.slug}/enter", data={"category": str(category.id), "title": "Pagos QR"}
    )
    assert response.status_code == 302
    entry = db.session.scalars(db.select(Submission).where(Submission.title == "Pagos QR")).one()
    assert entry.language == "es"


def test_the_entry_language_is_saved_and_shown(client, world):
    login(client, world.entrant_a)
    client.post(edit_url(world.draft_a), data=entry_form(language="fr"))
    db.session.expire_all()
    assert db.session.get(Submission, world.draft_a.id).language == "fr"
    assert "français" in client.get(f"/entries/{world.draft_a.id}").get_data(as_text=True)


def test_an_unknown_entry_language_is_refused_and_nothing_saved(client, world):
    login(client, world.entrant_a)
    response = client.post(edit_url(world.draft_a), data=entry_form(language="xx", title="Changed title"))
    assert response.status_code == 200
    assert 'id="language-error">Not a valid choice.</p>' in response.get_data(as_text=True)
    assert 'value="Changed title"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Submission, world.draft_a.id).title == "Alpha draft"
