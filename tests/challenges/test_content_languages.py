"""A challenge's texts in several languages: what readers see, and the organisers' translations page."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from judging.audit import AuditEvent
from judging.challenges.content_languages import choice_label, lang_attrs, localized
from judging.challenges.models import QuestionKind
from judging.extensions import db
from tests.factories import login, make_question

PAGE = "/manage/sme-awards/translations"


def _reader(user, language: str) -> None:
    user.language = language
    db.session.commit()


def _translate(obj, language: str, **texts) -> None:
    obj.translations = {**(obj.translations or {}), language: texts}
    db.session.commit()


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# The fallback rule -------------------------------------------------------------------------------------


def test_localized_gives_the_translation_else_the_default(app, world):
    challenge = world.challenge
    _translate(challenge, "fr", title="Prix des PME numériques", summary="   ")

    assert localized(challenge, "title", "fr") == "Prix des PME numériques"
    assert localized(challenge, "summary", "fr") == "A call for digital SMEs."  # blank: the default
    assert localized(challenge, "description", "fr") == "Open to **small** businesses."  # not given
    assert localized(challenge, "title", "es") == "Digital SME Awards"  # no Spanish at all
    assert localized(challenge, "rules", "fr") is None  # no default either
    with force_locale("fr"):
        assert localized(challenge, "title") == "Prix des PME numériques"  # the reader's language


def test_a_translation_into_the_challenge_own_language_is_not_used(app, world):
    _translate(world.challenge, "fr", title="Prix des PME numériques")
    world.challenge.content_language = "fr"  # the organisers now write the challenge in French
    db.session.commit()

    assert localized(world.challenge, "title", "fr") == "Digital SME Awards"


def test_lang_attrs_mark_text_not_in_the_page_language(app, world):
    challenge = world.challenge
    _translate(challenge, "ar", title="جوائز الشركات الرقمية")
    with app.test_request_context():
        with force_locale("ar"):
            assert lang_attrs(challenge, "title") == ""  # translated: in the page's language
            assert lang_attrs(challenge, "summary") == ' lang="en" dir="ltr"'  # the English default
        with force_locale("en"):
            assert lang_attrs(challenge, "title") == ""


def test_choice_labels_are_translated_by_the_choice_they_stand_for(app, world):
    question = make_question(
        world.challenge, "Stage?", kind=QuestionKind.SINGLE_CHOICE, choices=["Idea", "Market"]
    )
    _translate(question, "fr", choices={"Market": "Sur le marché"})

    assert choice_label(question, "Market", "fr") == "Sur le marché"
    assert choice_label(question, "Idea", "fr") == "Idea"
    assert choice_label(question, "Market", "es") == "Market"


# What readers see --------------------------------------------------------------------------------------


def test_french_reader_sees_french_title_and_categories_spanish_reader_the_default(client, world):
    _translate(
        world.challenge, "fr", title="Prix des PME numériques", description="Pour les **petites** PME."
    )
    _translate(world.challenge.categories[0], "fr", name="Connectivité")

    client.set_cookie("lang", "fr")
    french = client.get("/challenges/sme-awards").get_data(as_text=True)
    assert "<title>Prix des PME numériques" in french
    assert "<h1>Prix des PME numériques</h1>" in french
    assert "Pour les <strong>petites</strong> PME." in french
    assert "<strong>Connectivité</strong>" in french
    # The untranslated second category keeps its English name, marked as English for screen readers.
    assert '<dt lang="en" dir="ltr"><strong>E-health</strong></dt>' in french
    assert "Prix des PME numériques" in client.get("/").get_data(as_text=True)

    client.set_cookie("lang", "es")
    spanish = client.get("/challenges/sme-awards").get_data(as_text=True)
    assert '<h1 lang="en" dir="ltr">Digital SME Awards</h1>' in spanish
    assert "Connectivité" not in spanish and "<strong>Connectivity</strong>" in spanish


def test_french_entrant_sees_french_questions_and_choices_answers_stay_by_default_choice(client, world):
    question = make_question(
        world.challenge,
        "What stage are you at?",
        kind=QuestionKind.SINGLE_CHOICE,
        choices=["Idea", "On the market"],
        help_text="Pick one.",
    )
    _translate(
        question,
        "fr",
        label="Où en êtes-vous ?",
        help_text="Choisissez.",
        choices={"On the market": "Sur le marché"},
    )
    _reader(world.entrant_a, "fr")
    login(client, world.entrant_a)

    page = client.get(f"/entries/{world.draft_a.id}/edit").get_data(as_text=True)
    assert "Où en êtes-vous ?" in page and "Choisissez." in page
    assert "Sur le marché" in page and 'value="On the market"' in page
    assert "What stage are you at?" not in page

    saved = client.post(
        f"/entries/{world.draft_a.id}/edit",
        data={"title": "Alpha draft", "action": "save", f"q_{question.id}": "On the market"},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert world.draft_a.answer_for(question.id) == "On the market"  # stored by the default choice
    view = client.get(f"/entries/{world.draft_a.id}").get_data(as_text=True)
    assert "<dt>Où en êtes-vous ?</dt>" in view and "Sur le marché" in view


def test_french_judge_sees_french_criteria_and_guide(client, world):
    innovation = world.criteria[0]
    innovation.guide = {"1": "Nothing new", "5": "A breakthrough"}
    innovation.description = "How new is it?"
    db.session.commit()
    _translate(
        innovation, "fr", name="Innovation (FR)", description="Est-ce nouveau ?", guide={"5": "Une percée"}
    )
    _translate(world.challenge.categories[0], "fr", name="Connectivité")
    _reader(world.judge, "fr")
    login(client, world.judge)

    sheet = client.get(f"/judging/sme-awards/entries/{world.assignment_a.id}/score").get_data(as_text=True)
    assert "Innovation (FR)" in sheet and "Est-ce nouveau ?" in sheet
    assert "Une percée" in sheet
    assert "Nothing new" in sheet  # level 1 has no French text: the default
    assert "Connectivité" in sheet
    dashboard = client.get("/judging/").get_data(as_text=True)
    assert "Connectivité" in dashboard

    _reader(world.judge, "es")
    sheet = client.get(f"/judging/sme-awards/entries/{world.assignment_a.id}/score").get_data(as_text=True)
    assert "Innovation (FR)" not in sheet and "A breakthrough" in sheet


# The organisers' page ----------------------------------------------------------------------------------


def test_translations_page_lists_the_other_languages(client, world):
    login(client, world.organiser)

    page = client.get(PAGE).get_data(as_text=True)

    assert f'href="{PAGE}?lang=fr"' in page and f'href="{PAGE}?lang=ar"' in page
    assert f'href="{PAGE}?lang=en"' not in page  # the language the challenge is written in
    assert f'href="{PAGE}"' in client.get("/manage/sme-awards/").get_data(as_text=True)


def test_translation_form_shows_defaults_beside_the_boxes(client, world):
    question = make_question(
        world.challenge, "Stage?", kind=QuestionKind.SINGLE_CHOICE, choices=["Idea", "Market"]
    )
    world.criteria[0].guide = {"5": "A breakthrough"}
    db.session.commit()
    _translate(world.challenge, "fr", title="Prix des PME numériques")
    login(client, world.organiser)

    page = client.get(f"{PAGE}?lang=fr").get_data(as_text=True)

    assert 'value="Prix des PME numériques"' in page
    assert 'name="challenge-title"' in page and 'lang="fr"' in page
    assert "Connectivity" in page and f'name="category-{world.challenge.categories[0].id}-name"' in page
    assert (
        f'name="question-{question.id}-label"' in page and f'name="question-{question.id}-choice-1"' in page
    )
    assert f'name="criterion-{world.criteria[0].id}-name"' in page
    assert f'name="criterion-{world.criteria[0].id}-guide-5"' in page and "A breakthrough" in page


def test_organiser_saves_then_clears_translations_audited(client, world):
    question = make_question(
        world.challenge, "Stage?", kind=QuestionKind.SINGLE_CHOICE, choices=["Idea", "Market"]
    )
    category = world.challenge.categories[0]
    criterion = world.criteria[0]
    login(client, world.organiser)

    response = client.post(
        f"{PAGE}?lang=fr",
        data={
            "challenge-title": " Prix des PME numériques ",
            f"category-{category.id}-name": "Connectivité",
            f"question-{question.id}-label": "Stade ?",
            f"question-{question.id}-choice-1": "Marché",
            f"criterion-{criterion.id}-name": "Innovation (FR)",
        },
    )

    assert response.status_code == 302 and response.headers["Location"] == f"{PAGE}?lang=fr"
    db.session.expire_all()
    assert world.challenge.translations == {"fr": {"title": "Prix des PME numériques"}}
    assert category.translations == {"fr": {"name": "Connectivité"}}
    assert question.translations == {"fr": {"label": "Stade ?", "choices": {"Market": "Marché"}}}
    assert criterion.translations == {"fr": {"name": "Innovation (FR)"}}
    (event,) = _audit("challenge.translations")
    assert event.actor_id == world.organiser.id and event.challenge_id == world.challenge.id
    assert event.after["language"] == "fr"
    assert event.after[f"Category:{category.id}"] == {"name": "Connectivité"}

    client.post(
        f"{PAGE}?lang=fr", data={"challenge-title": "", f"category-{category.id}-name": "Connectivité"}
    )

    db.session.expire_all()
    assert world.challenge.translations == {}  # blank: no translation
    assert question.translations == {}
    assert category.translations == {"fr": {"name": "Connectivité"}}
    assert len(_audit("challenge.translations")) == 2


def test_too_long_translation_keeps_what_was_typed_and_saves_nothing(client, world):
    login(client, world.organiser)
    category = world.challenge.categories[0]

    response = client.post(
        f"{PAGE}?lang=fr", data={"challenge-title": "T" * 201, f"category-{category.id}-name": "Connectivité"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error-summary"' in page and 'aria-invalid="true"' in page
    assert "T" * 201 in page and 'value="Connectivité"' in page
    db.session.expire_all()
    assert world.challenge.translations == {} and category.translations == {}


def test_two_categories_cannot_share_a_translated_name(client, world):
    first, second = world.challenge.categories
    login(client, world.organiser)

    response = client.post(
        f"{PAGE}?lang=fr", data={f"category-{first.id}-name": "Santé", f"category-{second.id}-name": "santé"}
    )

    assert "This challenge already has a category with this name." in response.get_data(as_text=True)
    db.session.expire_all()
    assert first.translations == {} and second.translations == {}


def test_unknown_or_own_language_shows_the_language_list(client, world):
    login(client, world.organiser)

    for lang in ("xx", "en"):
        page = client.get(f"{PAGE}?lang={lang}").get_data(as_text=True)
        assert "Choose a language from the list." in page
        assert 'name="challenge-title"' not in page


def test_organiser_changes_the_content_language(client, world):
    login(client, world.organiser)

    response = client.post(f"{PAGE}/language", data={"content_language": "fr"})

    assert response.status_code == 302
    db.session.expire_all()
    assert world.challenge.content_language == "fr"
    assert _audit("challenge.update")[-1].after == {"content_language": "fr"}
    page = client.get(PAGE).get_data(as_text=True)
    assert f'href="{PAGE}?lang=en"' in page and f'href="{PAGE}?lang=fr"' not in page
    # An English reader now sees the French default text marked as French.
    client.set_cookie("lang", "en")
    assert '<h1 lang="fr" dir="ltr">Digital SME Awards</h1>' in client.get("/challenges/sme-awards").get_data(
        as_text=True
    )

    bad = client.post(f"{PAGE}/language", data={"content_language": "xx"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)


def test_other_organiser_cannot_translate(client, world):
    login(client, world.other_organiser)

    response = client.post(f"{PAGE}?lang=fr", data={"challenge-title": "Piraté"})

    assert response.status_code == 404
    db.session.expire_all()
    assert world.challenge.translations == {}


def test_demo_awards_read_in_french_and_arabic(client, app):
    from judging.demo import load_demo

    load_demo()

    client.set_cookie("lang", "fr")
    french = client.get("/challenges/digital-sme-awards-2027").get_data(as_text=True)
    assert "<h1>Prix des PME numériques 2027</h1>" in french and "Connectivité" in french
    client.set_cookie("lang", "ar")
    arabic = client.get("/challenges/digital-sme-awards-2027").get_data(as_text=True)
    assert "جوائز الشركات الصغيرة والمتوسطة الرقمية 2027" in arabic
