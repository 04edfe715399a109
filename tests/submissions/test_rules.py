"""The rules an entry meets: the challenge's own questions, eligibility at submission, the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from judging.challenges.models import QuestionKind
from judging.core.lifecycle import SubmissionStatus
from judging.database import utcnow
from judging.extensions import db
from judging.submissions import services
from judging.submissions.models import Answer, Deck, Submission
from tests.factories import login, make_question
from tests.submissions.helpers import edit_url, entry_form, file_storage, pdf_upload, stored_files


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def questions(world):
    challenge = world.challenge
    return {
        "short": make_question(challenge, "Company motto", kind=QuestionKind.SHORT_TEXT, max_length=10),
        "long": make_question(
            challenge, "Your team", kind=QuestionKind.LONG_TEXT, max_words=5, required=True
        ),
        "single": make_question(
            challenge, "Funding so far", kind=QuestionKind.SINGLE_CHOICE, choices=["None", "Grant", "Equity"]
        ),
        "multi": make_question(
            challenge, "Markets", kind=QuestionKind.MULTIPLE_CHOICE, choices=["Kenya", "Peru", "Viet Nam"]
        ),
        "number": make_question(
            challenge, "Customers", kind=QuestionKind.NUMBER, min_value=0, max_value=100, required=True
        ),
        "url": make_question(challenge, "Website of the product", kind=QuestionKind.URL),
    }


def _answers(questions, **values) -> dict[str, object]:
    return {f"q_{questions[key].id}": value for key, value in values.items()}


def test_valid_answers_to_the_challenges_questions_are_stored(client, world, questions):
    login(client, world.entrant_a)
    answers = _answers(
        questions,
        short="Connect!",
        long="Five engineers and two nurses",
        single="Grant",
        multi=["Viet Nam", "Kenya"],
        number="42",
        url="http://product.example.org",
    )

    response = client.post(edit_url(world.draft_a), data=entry_form(**answers))

    assert response.status_code == 302
    stored = {
        answer.question.label: answer.value
        for answer in db.session.scalars(select(Answer).where(Answer.submission_id == world.draft_a.id))
    }
    assert stored == {
        "Company motto": "Connect!",
        "Your team": "Five engineers and two nurses",
        "Funding so far": "Grant",
        "Markets": ["Kenya", "Viet Nam"],
        "Customers": 42,
        "Website of the product": "http://product.example.org",
    }


def test_answers_breaking_the_questions_limits_are_refused_with_field_errors(client, world, questions):
    login(client, world.entrant_a)
    answers = _answers(
        questions,
        short="Far too long a motto",
        long="one two three four five six",
        number="150",
        url="ftp://x.org",
    )

    response = client.post(edit_url(world.draft_a), data=entry_form(**answers))

    page = _page(response)
    assert "Use at most 10 characters; this has 20." in page
    assert "Use at most 5 words; this text has 6." in page
    assert "Enter a number from 0 to 100." in page
    assert "Enter a full web address starting with https:// or http://" in page
    assert "Far too long a motto" in page
    assert db.session.scalars(select(Answer)).all() == []


def test_a_number_answer_that_is_not_a_number_is_refused(client, world, questions):
    login(client, world.entrant_a)

    response = client.post(edit_url(world.draft_a), data=entry_form(**_answers(questions, number="many")))

    assert "Enter a number, for example 12 or 3.5." in _page(response)


def test_required_questions_must_be_answered_to_submit(client, world, questions):
    services.attach_deck(world.draft_a, file_storage(), actor=world.entrant_a)
    login(client, world.entrant_a)

    response = client.post(
        edit_url(world.draft_a), data=entry_form("submit", **_answers(questions, short="Hi"))
    )

    # both required questions, each once in the summary at the top and once by its field
    assert _page(response).count("Answer this question before submitting.") == 4
    db.session.refresh(world.draft_a)
    assert world.draft_a.status is SubmissionStatus.DRAFT


def test_questions_limited_to_another_category_or_retired_are_not_asked(client, world):
    challenge = world.challenge
    other_track = make_question(challenge, "Which hospitals use it?")
    other_track.categories = [challenge.categories[1]]
    make_question(challenge, "An old question", retired_at=utcnow())
    make_question(challenge, "Asked of everyone")
    db.session.commit()
    login(client, world.entrant_a)

    page = _page(client.get(edit_url(world.draft_a)))

    assert "Asked of everyone" in page
    assert "Which hospitals use it?" not in page
    assert "An old question" not in page


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (
            {"max_employees": 10},
            "This challenge is for organisations of at most 10 employees; yours has 12.",
        ),
        (
            {"allowed_countries": ["PE", "BR"]},
            "This challenge is open to organisations based in Brazil, Peru; yours is based in Kenya.",
        ),
        (
            {"max_entries_per_organisation": 1},
            "Each organisation may submit at most 1 entry to this challenge; yours has already submitted 1.",
        ),
    ],
    ids=["employees", "country", "entry-limit"],
)
def test_submission_is_refused_with_a_clear_reason_when_not_eligible(client, world, policy, reason):
    for name, value in policy.items():
        setattr(world.challenge, name, value)
    db.session.commit()
    services.attach_deck(world.draft_a, file_storage(), actor=world.entrant_a)
    login(client, world.entrant_a)

    response = client.post(edit_url(world.draft_a), data=entry_form("submit"))

    assert reason in _page(response)
    db.session.refresh(world.draft_a)
    assert world.draft_a.status is SubmissionStatus.DRAFT


def test_withdrawn_entries_do_not_count_towards_the_entry_limit(client, world):
    world.challenge.max_entries_per_organisation = 1
    world.submission_a.status = SubmissionStatus.WITHDRAWN
    db.session.commit()
    services.attach_deck(world.draft_a, file_storage(), actor=world.entrant_a)
    login(client, world.entrant_a)

    client.post(edit_url(world.draft_a), data=entry_form("submit"))

    db.session.refresh(world.draft_a)
    assert world.draft_a.status is SubmissionStatus.SUBMITTED


def _snapshot(app):
    db.session.expire_all()
    entries = db.session.execute(
        select(Submission.id, Submission.status, Submission.title, Submission.summary, Submission.updated_at)
    ).all()
    decks = db.session.execute(select(Deck.id, Deck.replaced_at)).all()
    return sorted(entries), sorted(decks), stored_files(app)


def _prepare(world, action: str) -> None:
    if action == "remove_deck":
        services.attach_deck(world.draft_a, file_storage(), actor=world.entrant_a)
    if action == "reinstate":
        world.draft_a.status = SubmissionStatus.WITHDRAWN
        db.session.commit()


def _post(client, world, action: str):
    draft = world.draft_a
    posts = {
        "save": (edit_url(draft), entry_form("save")),
        "submit": (edit_url(draft), entry_form("submit")),
        "upload": (edit_url(draft), entry_form("save", deck=pdf_upload())),
        "save_submitted": (edit_url(world.submission_a), entry_form("save")),
        "remove_deck": (f"/entries/{draft.id}/deck/remove", {}),
        "withdraw": (f"/entries/{world.submission_a.id}/withdraw", {}),
        "reinstate": (f"/entries/{draft.id}/reinstate", {}),
        "start": (
            f"/challenges/{world.challenge.slug}/enter",
            {"category": str(world.challenge.categories[0].id), "title": "Too late"},
        ),
    }
    url, data = posts[action]
    return client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)


@pytest.mark.parametrize(
    "action", ["save", "submit", "upload", "save_submitted", "remove_deck", "withdraw", "reinstate", "start"]
)
def test_after_the_deadline_every_change_is_refused_and_nothing_changes(app, client, world, action):
    _prepare(world, action)
    login(client, world.entrant_a)
    assert client.get(f"/entries/{world.draft_a.id}").status_code == 200  # the page was loaded while open
    world.challenge.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = _snapshot(app)

    response = _post(client, world, action)

    assert "has passed" in _page(response)
    assert _snapshot(app) == before


def test_after_the_deadline_the_edit_page_sends_the_entrant_to_the_entry(client, world):
    world.challenge.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(client, world.entrant_a)

    response = client.get(edit_url(world.draft_a), follow_redirects=True)

    assert "Alpha draft" in _page(response)
    assert "has passed" in _page(response)
    assert "Save draft" not in _page(response)


def test_entries_cannot_be_started_before_the_window_opens(client, world):
    world.challenge.opens_at = utcnow() + timedelta(days=1)
    db.session.commit()
    login(client, world.entrant_a)

    response = client.get(f"/challenges/{world.challenge.slug}/enter")

    assert "is not open for entries yet" in _page(response)
