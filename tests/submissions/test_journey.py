"""An entrant's journey through the pages, and what the form does with incomplete or wrong input."""

from __future__ import annotations

from sqlalchemy import select

from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from judging.submissions.models import Deck, Stage, Submission
from tests.factories import login, make_organisation, make_user
from tests.submissions.helpers import edit_url, entry_form, pdf_upload


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_entrant_journey_start_draft_deck_submit_edit_withdraw_reinstate(client, world):
    login(client, world.entrant_a)
    challenge = world.challenge
    category = challenge.categories[1]

    start_page = client.get(f"/challenges/{challenge.slug}/enter")
    assert "Start my entry" in _page(start_page)
    started = client.post(
        f"/challenges/{challenge.slug}/enter", data={"category": str(category.id), "title": "Solar mesh"}
    )
    submission = db.session.scalar(select(Submission).where(Submission.title == "Solar mesh"))
    assert started.headers["Location"] == edit_url(submission)
    assert (submission.status, submission.category_id) == (SubmissionStatus.DRAFT, category.id)
    assert submission.organisation_id == world.organisation_a.id

    partial = {"action": "save", "title": "Solar mesh", "summary": "Clinics stay online."}
    saved = client.post(edit_url(submission), data=partial, follow_redirects=True)
    assert "Your draft has been saved." in _page(saved)
    assert "Clinics stay online." in _page(saved)

    with_deck = client.post(
        edit_url(submission),
        data={**partial, "deck": pdf_upload(name="Solar mesh deck.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Solar mesh deck.pdf" in _page(with_deck)

    submitted = client.post(edit_url(submission), data=entry_form("submit"), follow_redirects=True)
    assert "Your entry has been submitted." in _page(submitted)
    db.session.refresh(submission)
    assert submission.status is SubmissionStatus.SUBMITTED
    assert submission.submitted_at is not None
    assert (submission.sdgs, submission.stage) == ([3, 9], Stage.PROTOTYPE)

    edited = client.post(
        edit_url(submission),
        data=entry_form("save", summary="Rural clinics stay online all year."),
        follow_redirects=True,
    )
    assert "The entry is still submitted." in _page(edited)
    db.session.refresh(submission)
    assert (submission.status, submission.summary) == (
        SubmissionStatus.SUBMITTED,
        "Rural clinics stay online all year.",
    )

    confirm = client.get(f"/entries/{submission.id}/withdraw")
    assert "Yes, withdraw this entry" in _page(confirm)
    withdrawn = client.post(f"/entries/{submission.id}/withdraw", follow_redirects=True)
    assert "Your entry has been withdrawn." in _page(withdrawn)
    db.session.refresh(submission)
    assert submission.status is SubmissionStatus.WITHDRAWN

    reinstated = client.post(f"/entries/{submission.id}/reinstate", follow_redirects=True)
    assert "Your entry is a draft again." in _page(reinstated)
    db.session.refresh(submission)
    assert (submission.status, submission.submitted_at) == (SubmissionStatus.DRAFT, None)
    assert submission.deck.original_name == "Solar mesh deck.pdf"


def test_submit_with_missing_answers_keeps_what_was_typed(client, world):
    login(client, world.entrant_a)
    draft = world.draft_a
    typed = entry_form("submit", problem="", stage=None, summary="Typed but not yet complete.")

    response = client.post(edit_url(draft), data=typed)

    page = _page(response)
    assert "Describe the problem you solve." in page
    assert "Choose the stage your solution has reached." in page
    assert "Upload your pitch deck (a PDF file) before submitting." in page
    assert "Typed but not yet complete." in page
    assert "Solar mesh for rural clinics" in page
    db.session.refresh(draft)
    assert (draft.status, draft.title) == (SubmissionStatus.DRAFT, "Alpha draft")


def test_save_draft_with_a_plain_http_video_link_is_refused(client, world):
    login(client, world.entrant_a)

    response = client.post(edit_url(world.draft_a), data=entry_form(video_url="http://video.example.org/x"))

    assert "Use a secure link that starts with https://." in _page(response)
    assert 'value="http://video.example.org/x"' in _page(response)
    db.session.refresh(world.draft_a)
    assert world.draft_a.title == "Alpha draft"


def test_save_draft_with_a_malformed_link_or_too_many_words_is_refused(client, world):
    login(client, world.entrant_a)
    too_long = " ".join(["word"] * 301)

    response = client.post(
        edit_url(world.draft_a), data=entry_form(video_url="https://not a link", impact=too_long)
    )

    page = _page(response)
    assert "Enter a full web address" in page
    assert "Use at most 300 words; this text has 301." in page
    db.session.refresh(world.draft_a)
    assert world.draft_a.impact == "Fewer lost records."


def test_summary_must_be_one_paragraph(client, world):
    login(client, world.entrant_a)

    response = client.post(edit_url(world.draft_a), data=entry_form(summary="First part.\n\nSecond part."))

    assert "The summary must be a single paragraph" in _page(response)


def test_a_colleague_in_the_same_organisation_sees_and_edits_the_entry(client, world):
    colleague = make_user("colleague@alpha.example", organisation=world.organisation_a)
    login(client, colleague)

    assert "Alpha draft" in _page(client.get(f"/entries/{world.draft_a.id}"))
    response = client.post(edit_url(world.draft_a), data=entry_form(title="Alpha draft by colleague"))

    assert response.status_code == 302
    db.session.refresh(world.draft_a)
    assert world.draft_a.title == "Alpha draft by colleague"
    assert "Alpha draft by colleague" in _page(client.get("/entries/"))


def test_an_entrant_of_another_organisation_gets_404(client, world):
    login(client, world.entrant_b)
    for url in (
        f"/entries/{world.submission_a.id}",
        edit_url(world.submission_a),
        f"/entries/{world.draft_a.id}",
    ):
        assert client.get(url).status_code == 404
    assert client.post(edit_url(world.draft_a), data=entry_form()).status_code == 404
    db.session.refresh(world.draft_a)
    assert world.draft_a.title == "Alpha draft"


def test_organisers_see_submitted_entries_but_never_drafts(client, world):
    login(client, world.organiser)

    assert "Alpha mesh for clinics" in _page(client.get(f"/entries/{world.submission_a.id}"))
    assert client.get(f"/entries/{world.draft_a.id}").status_code == 404
    assert client.get(edit_url(world.submission_a)).status_code == 404


def test_dashboard_lists_the_organisations_entries_and_open_challenges(client, world):
    login(client, world.entrant_a)

    page = _page(client.get("/entries/"))

    assert "Alpha mesh for clinics" in page
    assert "Alpha draft" in page
    assert "Beta telehealth" not in page
    assert "Innovation Challenge" in page  # open and not entered yet
    assert "Europe/Paris" in page  # the deadline in the challenge's zone


def test_start_page_says_what_is_missing(client, world):
    challenge_url = f"/challenges/{world.challenge.slug}/enter"
    assert "Sign in" in _page(client.get(challenge_url))

    unverified = make_user("new@example.org", verified=False, organisation=make_organisation())
    login(client, unverified)
    assert "Verify your email address" in _page(client.get(challenge_url))

    login(client, make_user("lonely@example.org"))
    page = _page(client.get(challenge_url))
    assert "Create your organisation" in page
    response = client.post(
        challenge_url, data={"category": str(world.challenge.categories[0].id), "title": "X"}
    )
    assert "Create your organisation" in _page(response)
    assert db.session.scalar(select(Submission).where(Submission.title == "X")) is None


def test_start_needs_a_category_of_this_challenge(client, world):
    login(client, world.entrant_a)
    foreign = world.other_challenge.categories[0]

    response = client.post(
        f"/challenges/{world.challenge.slug}/enter",
        data={"category": str(foreign.id), "title": "Wrong track"},
    )

    assert response.status_code == 200
    assert db.session.scalar(select(Submission).where(Submission.title == "Wrong track")) is None


def test_no_deck_rows_are_created_by_saving_without_a_file(client, world):
    login(client, world.entrant_a)
    client.post(edit_url(world.draft_a), data=entry_form())
    assert db.session.scalars(select(Deck)).all() == []


def test_a_change_without_the_form_token_is_refused_and_changes_nothing(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login(client, world.entrant_a)

    response = client.post(f"/entries/{world.submission_a.id}/withdraw")

    assert response.status_code == 400
    assert "nothing was saved" in _page(response)
    db.session.refresh(world.submission_a)
    assert world.submission_a.status is SubmissionStatus.SUBMITTED
