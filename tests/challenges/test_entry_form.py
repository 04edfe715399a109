"""Organisers shape a challenge: categories and the extra questions of its entry form."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from judging.audit import AuditEvent
from judging.challenges.models import Category, EntryQuestion, QuestionKind
from judging.extensions import db
from judging.submissions.models import Answer
from tests.factories import login, make_question


def names(challenge) -> list[str]:
    db.session.refresh(challenge)
    return [category.name for category in challenge.categories]


def labels(challenge) -> list[str]:
    db.session.refresh(challenge)
    return [question.label for question in challenge.questions if question.retired_at is None]


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def question_data(**overrides) -> dict[str, object]:
    data = {"label": "How many customers do you have?", "kind": "number", "help_text": ""}
    data.update(overrides)
    return data


# Categories -----------------------------------------------------------------------------------------


def test_category_added_at_the_end_and_shown_publicly(client, world):
    login(client, world.organiser)

    response = client.post(
        "/manage/sme-awards/categories",
        data={"name": "Digital finance", "description": "Payments and credit."},
    )

    assert response.status_code == 302
    assert names(world.challenge) == ["Connectivity", "E-health", "Digital finance"]
    public = client.get("/challenges/sme-awards").get_data(as_text=True)
    assert "Digital finance" in public
    assert "Payments and credit." in public
    assert actions() == ["category.add"]


def test_category_same_name_in_the_same_challenge_is_refused(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/categories", data={"name": "e-health"})

    html = response.get_data(as_text=True)
    assert (
        '<p class="error" id="name-error">This challenge already has a category with this name.</p>' in html
    )
    assert 'value="e-health"' in html
    assert names(world.challenge) == ["Connectivity", "E-health"]


def test_category_empty_name_is_a_field_error(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/categories", data={"name": "", "description": "kept"})

    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html
    assert "kept</textarea>" in html


def test_category_renamed(client, world):
    category = world.challenge.categories[1]
    login(client, world.organiser)

    form = client.get(f"/manage/sme-awards/categories/{category.id}/edit").get_data(as_text=True)
    client.post(f"/manage/sme-awards/categories/{category.id}/edit", data={"name": "E-health and care"})

    assert 'value="E-health"' in form
    assert names(world.challenge) == ["Connectivity", "E-health and care"]
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "category.update"))
    assert (event.before, event.after) == ({"name": "E-health"}, {"name": "E-health and care"})


def test_category_with_entries_cannot_be_deleted(client, world):
    category = world.challenge.categories[0]  # holds the world's entries
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/categories/{category.id}/delete", follow_redirects=True)

    assert "Connectivity cannot be deleted: it holds 3 entries. Rename it instead." in response.get_data(
        as_text=True
    )
    assert names(world.challenge) == ["Connectivity", "E-health"]
    assert actions() == []


def test_category_without_entries_is_deleted(client, world):
    category = world.challenge.categories[1]
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/categories/{category.id}/delete", follow_redirects=True)

    assert "Category “E-health” deleted." in response.get_data(as_text=True)
    assert names(world.challenge) == ["Connectivity"]
    assert db.session.get(Category, category.id) is None
    assert actions() == ["category.delete"]


def test_category_that_is_a_questions_only_category_cannot_be_deleted(client, world):
    category = world.challenge.categories[1]
    make_question(world.challenge, "Which hospitals use it?", categories=[category])
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/categories/{category.id}/delete", follow_redirects=True)

    assert "the question “Which hospitals use it?” is asked only in it" in response.get_data(as_text=True)
    assert names(world.challenge) == ["Connectivity", "E-health"]


def test_category_move_up_and_down_reorders_the_list(client, world):
    login(client, world.organiser)
    client.post("/manage/sme-awards/categories", data={"name": "Digital finance"})
    finance = world.challenge.categories[-1]

    client.post(f"/manage/sme-awards/categories/{finance.id}/move", data={"direction": "up"})
    assert names(world.challenge) == ["Connectivity", "Digital finance", "E-health"]
    client.post(f"/manage/sme-awards/categories/{finance.id}/move", data={"direction": "up"})
    assert names(world.challenge) == ["Digital finance", "Connectivity", "E-health"]
    client.post(f"/manage/sme-awards/categories/{finance.id}/move", data={"direction": "up"})  # already first
    assert names(world.challenge) == ["Digital finance", "Connectivity", "E-health"]
    client.post(f"/manage/sme-awards/categories/{finance.id}/move", data={"direction": "down"})

    assert names(world.challenge) == ["Connectivity", "Digital finance", "E-health"]
    public = client.get("/challenges/sme-awards").get_data(as_text=True).split("<h2>Categories</h2>")[1]
    assert public.index("Connectivity") < public.index("Digital finance") < public.index("E-health")


def test_category_move_with_a_bad_direction_is_a_bad_request(client, world):
    login(client, world.organiser)

    response = client.post(
        f"/manage/sme-awards/categories/{world.challenge.categories[0].id}/move",
        data={"direction": "sideways"},
    )

    assert response.status_code == 400


def test_category_of_another_challenge_is_404_even_for_an_admin(client, world):
    login(client, world.admin)
    foreign = world.other_challenge.categories[0]

    assert client.get(f"/manage/sme-awards/categories/{foreign.id}/edit").status_code == 404
    assert client.post(f"/manage/sme-awards/categories/{foreign.id}/delete").status_code == 404


# Questions ------------------------------------------------------------------------------------------


def test_question_short_text_added_with_its_limit(client, world):
    login(client, world.organiser)

    response = client.post(
        "/manage/sme-awards/questions/new",
        data=question_data(
            label="Company registration number", kind="short_text", max_length="40", required="y"
        ),
    )

    assert response.status_code == 302
    question = db.session.scalar(
        select(EntryQuestion).where(EntryQuestion.label == "Company registration number")
    )
    assert (question.kind, question.max_length, question.required) == (QuestionKind.SHORT_TEXT, 40, True)
    listing = client.get("/manage/sme-awards/questions").get_data(as_text=True)
    assert "at most 40 characters" in listing
    assert actions() == ["question.add"]


def test_question_long_text_gets_a_default_word_limit(client, world):
    login(client, world.organiser)

    client.post("/manage/sme-awards/questions/new", data=question_data(label="Your team", kind="long_text"))

    question = db.session.scalar(select(EntryQuestion).where(EntryQuestion.label == "Your team"))
    assert (question.max_words, question.max_length) == (500, None)


def test_question_multiple_choice_keeps_its_choices_in_order(client, world):
    login(client, world.organiser)

    client.post(
        "/manage/sme-awards/questions/new",
        data=question_data(label="Markets", kind="multiple_choice", choices="Kenya\n\n Peru \nFrance\n"),
    )

    question = db.session.scalar(select(EntryQuestion).where(EntryQuestion.label == "Markets"))
    assert question.choices == ["Kenya", "Peru", "France"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"kind": "single_choice", "choices": "Only one"},
            "choices",
            "Give at least two choices, one per line.",
        ),
        ({"kind": "multiple_choice", "choices": "Yes\nyes\nNo"}, "choices", "“yes” is listed twice."),
        ({"kind": "number", "min_value": "10", "max_value": "2"}, "max_value", "must not be smaller than"),
        ({"kind": "number", "min_value": "ten"}, "min_value", ""),
        ({"kind": "number", "max_value": "nan"}, "max_value", "Enter an ordinary number."),
        ({"kind": "short_text", "max_length": "0"}, "max_length", ""),
        ({"kind": "telepathy"}, "kind", ""),
        ({"label": ""}, "label", ""),
    ],
)
def test_question_invalid_input_is_a_field_error_and_nothing_is_saved(client, world, data, field, message):
    login(client, world.organiser)

    response = client.post(
        "/manage/sme-awards/questions/new", data=question_data(**{"label": "Kept", **data})
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert message in html
    assert db.session.scalars(select(EntryQuestion)).all() == []


def test_question_invalid_choices_keep_what_was_typed(client, world):
    login(client, world.organiser)

    response = client.post(
        "/manage/sme-awards/questions/new",
        data=question_data(label="Stage of funding", kind="single_choice", choices="Seed"),
    )

    html = response.get_data(as_text=True)
    assert 'value="Stage of funding"' in html
    assert "Seed</textarea>" in html
    assert '<option selected value="single_choice">' in html


def test_question_limited_to_some_categories(client, world):
    ehealth = world.challenge.categories[1]
    login(client, world.organiser)

    client.post(
        "/manage/sme-awards/questions/new",
        data=question_data(label="Which hospitals use it?", kind="long_text", categories=[str(ehealth.id)]),
    )

    question = db.session.scalar(
        select(EntryQuestion).where(EntryQuestion.label == "Which hospitals use it?")
    )
    assert [category.name for category in question.categories] == ["E-health"]
    assert question.applies_to(ehealth.id) and not question.applies_to(world.challenge.categories[0].id)
    assert "only in: E-health" in client.get("/manage/sme-awards/questions").get_data(as_text=True)


def test_question_category_of_another_challenge_is_refused(client, world):
    login(client, world.organiser)

    response = client.post(
        "/manage/sme-awards/questions/new",
        data=question_data(categories=[str(world.other_challenge.categories[0].id)]),
    )

    assert 'id="categories-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(EntryQuestion)).all() == []


def test_question_edited(client, world):
    question = make_question(world.challenge, "Customers?", kind=QuestionKind.NUMBER, min_value=0.0)
    login(client, world.organiser)

    form = client.get(f"/manage/sme-awards/questions/{question.id}/edit").get_data(as_text=True)
    client.post(
        f"/manage/sme-awards/questions/{question.id}/edit",
        data=question_data(label="Paying customers?", kind="number", min_value="0", max_value="1000000"),
    )

    assert 'value="Customers?"' in form
    db.session.refresh(question)
    assert (question.label, question.max_value) == ("Paying customers?", 1000000.0)
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "question.update"))
    assert event.before == {"label": "Customers?", "max_value": None}


def test_question_move_reorders_the_form(client, world):
    first = make_question(world.challenge, "First")
    make_question(world.challenge, "Second")
    third = make_question(world.challenge, "Third")
    login(client, world.organiser)

    client.post(f"/manage/sme-awards/questions/{third.id}/move", data={"direction": "up"})
    client.post(f"/manage/sme-awards/questions/{first.id}/move", data={"direction": "down"})

    assert labels(world.challenge) == ["Third", "First", "Second"]


def test_question_unanswered_is_deleted(client, world):
    question = make_question(world.challenge, "Unused question")
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/questions/{question.id}/delete", follow_redirects=True)

    assert "Question deleted." in response.get_data(as_text=True)
    assert db.session.get(EntryQuestion, question.id) is None
    assert actions() == ["question.delete"]


def answer(question: EntryQuestion, submission, value) -> None:
    db.session.add(Answer(submission=submission, question_id=question.id, value=value))
    db.session.commit()


def test_question_answered_is_retired_not_deleted(client, world):
    question = make_question(world.challenge, "Customers?")
    answer(question, world.submission_a, "about 40")
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/questions/{question.id}/delete", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "The question has answers, so it was retired" in html
    db.session.refresh(question)
    assert question.retired_at is not None
    assert db.session.scalar(select(Answer.value).where(Answer.question_id == question.id)) == "about 40"
    assert labels(world.challenge) == []
    assert "Retired questions" in html
    assert client.get(f"/manage/sme-awards/questions/{question.id}/edit").status_code == 404
    assert actions() == ["question.retire"]


def test_question_answered_cannot_change_its_kind(client, world):
    question = make_question(world.challenge, "Customers?", kind=QuestionKind.SHORT_TEXT)
    answer(question, world.submission_a, "about 40")
    login(client, world.organiser)

    response = client.post(
        f"/manage/sme-awards/questions/{question.id}/edit",
        data=question_data(label="Customers?", kind="number"),
    )

    assert "Entries have answered this question, so its kind cannot change." in response.get_data(
        as_text=True
    )
    db.session.refresh(question)
    assert question.kind is QuestionKind.SHORT_TEXT


def test_question_of_another_challenge_is_404(client, world):
    foreign = make_question(world.other_challenge, "Foreign")
    login(client, world.organiser)

    assert client.get(f"/manage/sme-awards/questions/{foreign.id}/edit").status_code == 404
    assert client.post(f"/manage/innovation/questions/{foreign.id}/delete").status_code == 404
    assert db.session.get(EntryQuestion, foreign.id) is not None
