"""An entrant's typed pitch survives an expired form or session: nothing typed is lost.

Writing an entry can take longer than a session lasts. When the form's token no longer matches (the session
ended, or the entrant signed out in another tab) the edit page comes back with everything typed and a fresh
token; when the entrant is signed out, the typed texts stay on a page that offers sign-in in a new tab and
posts them again. Nothing is saved until the entrant presses a save button again.
"""

from __future__ import annotations

import pytest

from judging.extensions import db
from tests.factories import csrf_token_in, login
from tests.submissions.helpers import edit_url, entry_form, pdf_upload

TYPED = {
    "title": "Solar mesh, second thoughts",
    "problem": "An hour of careful writing about clinics that lose their connection.",
    "solution": "Nodes & relays <b>not bold</b>",
}


@pytest.fixture
def csrf(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_an_expired_token_shows_the_edit_form_again_with_what_was_typed(app, client, world, csrf):
    draft = world.draft_a
    stored_title = draft.title
    login(client, world.entrant_a)
    data = entry_form(**TYPED, csrf_token="expired-or-forged")

    answer = client.post(edit_url(draft), data=data)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Your form expired, so nothing was saved yet." in page
    assert TYPED["problem"] in page
    assert "Nodes &amp; relays &lt;b&gt;not bold&lt;/b&gt;" in page
    assert 'value="Solar mesh, second thoughts"' in page
    db.session.refresh(draft)
    assert draft.title == stored_title

    again = client.post(edit_url(draft), data={**data, "csrf_token": csrf_token_in(page)})

    assert again.status_code == 302
    db.session.refresh(draft)
    assert (draft.title, draft.problem) == (TYPED["title"], TYPED["problem"])


def test_an_expired_token_with_a_chosen_file_says_the_file_must_be_chosen_again(app, client, world, csrf):
    login(client, world.entrant_a)
    data = entry_form(**TYPED, csrf_token="expired-or-forged", deck=pdf_upload())

    page = client.post(edit_url(world.draft_a), data=data).get_data(as_text=True)

    assert "please choose it again" in page
    assert TYPED["problem"] in page


def test_a_signed_out_entrant_keeps_the_typed_text_and_is_offered_sign_in(app, client, world, csrf):
    draft = world.draft_a
    stored_title = draft.title
    data = entry_form(**TYPED, csrf_token="from-the-lost-session", sdgs=["3", "9"])

    answer = client.post(edit_url(draft), data=data)  # nobody signed in any more

    page = answer.get_data(as_text=True)
    assert answer.status_code == 401
    assert "You were signed out, so nothing was saved yet" in page
    assert 'value="Solar mesh, second thoughts"' in page
    assert 'target="_blank"' in page and "/login" in page
    assert TYPED["problem"] in page and "Nodes &amp; relays &lt;b&gt;not bold&lt;/b&gt;" in page
    assert f'action="{edit_url(draft)}"' in page
    assert page.count('name="sdgs"') == 2  # every posted value travels, lists too
    assert stored_title not in page  # nothing of the stored entry is shown to a visitor
    assert "csrf_token" in page and "from-the-lost-session" not in page
    db.session.refresh(draft)
    assert draft.title == stored_title


def test_a_signed_out_visit_of_the_edit_page_still_leads_to_sign_in(client, world):
    answer = client.get(edit_url(world.draft_a))

    assert answer.status_code == 302 and "/login" in answer.location
