"""Round names in several languages: the organisers' translations and what judges and entrants read."""

from __future__ import annotations

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from judging.assignments.assign_preview import preview_assignments
from judging.assignments.assign_services import commit_assignments
from judging.audit import AuditEvent
from judging.challenges.content_languages import localized
from judging.extensions import db
from judging.mail import send_template
from judging.results.publish_services import publish_results
from judging.scoring import reminders
from tests.factories import login, mail_body, make_criterion, make_round, read_outbox
from tests.results.test_publication import programme

PAGE = "/manage/sme-awards/translations"
FRENCH = "Présélection"


def _translate(obj, language: str, **texts) -> None:
    obj.translations = {**(obj.translations or {}), language: texts}
    db.session.commit()


def _reader(user, language: str) -> None:
    user.language = language
    db.session.commit()


# The fallback rule -------------------------------------------------------------------------------------


def test_round_name_falls_back_to_the_default_without_a_translation(app, world):
    assert localized(world.round, "name", "fr") == "Screening"  # nothing translated yet

    _translate(world.round, "fr", name="  ")
    assert localized(world.round, "name", "fr") == "Screening"  # blank: the default

    _translate(world.round, "fr", name=FRENCH)
    assert localized(world.round, "name", "fr") == FRENCH
    assert localized(world.round, "name", "es") == "Screening"  # no Spanish


# The organisers' page ----------------------------------------------------------------------------------


def test_translation_form_lists_each_round_before_its_criteria(client, world):
    final = make_round(world.challenge, "Final", position=2)
    pitch = make_criterion(final, "Pitch")
    _translate(world.round, "fr", name=FRENCH)
    login(client, world.organiser)

    page = client.get(f"{PAGE}?lang=fr").get_data(as_text=True)

    order = [
        f'name="round-{world.round.id}-name"',
        f'name="criterion-{world.criteria[0].id}-name"',
        f'name="criterion-{world.criteria[2].id}-name"',
        f'name="round-{final.id}-name"',
        f'name="criterion-{pitch.id}-name"',
    ]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)
    assert f'value="{FRENCH}"' in page


def test_organiser_saves_a_round_name_translation_audited(client, world):
    login(client, world.organiser)

    response = client.post(f"{PAGE}?lang=fr", data={f"round-{world.round.id}-name": f" {FRENCH} "})

    assert response.status_code == 302 and response.headers["Location"] == f"{PAGE}?lang=fr"
    db.session.expire_all()
    assert world.round.translations == {"fr": {"name": FRENCH}}
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "challenge.translations"))
    assert event.actor_id == world.organiser.id and event.challenge_id == world.challenge.id
    assert event.before == {"language": "fr", f"Round:{world.round.id}": {}}
    assert event.after == {"language": "fr", f"Round:{world.round.id}": {"name": FRENCH}}

    client.post(f"{PAGE}?lang=fr", data={f"round-{world.round.id}-name": ""})

    db.session.expire_all()
    assert world.round.translations == {}  # blank: no translation


def test_too_long_round_name_keeps_what_was_typed_and_saves_nothing(client, world):
    category = world.challenge.categories[0]
    login(client, world.organiser)

    response = client.post(
        f"{PAGE}?lang=fr",
        data={f"round-{world.round.id}-name": "R" * 121, f"category-{category.id}-name": "Connectivité"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error-summary"' in page and 'aria-invalid="true"' in page
    assert "R" * 121 in page and 'value="Connectivité"' in page
    db.session.expire_all()
    assert world.round.translations == {} and category.translations == {}


def test_two_rounds_cannot_share_a_translated_name(client, world):
    final = make_round(world.challenge, "Final", position=2)
    login(client, world.organiser)

    response = client.post(
        f"{PAGE}?lang=fr",
        data={f"round-{world.round.id}-name": "Finale", f"round-{final.id}-name": "finale"},
    )

    assert "Another round of this challenge is called finale." in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.round.translations == {} and final.translations == {}


# What judges and entrants read -------------------------------------------------------------------------


def test_french_judge_sees_the_french_round_name_on_dashboard_entry_and_sheet(client, world):
    _translate(world.round, "fr", name=FRENCH)
    _reader(world.judge, "fr")
    login(client, world.judge)

    dashboard = client.get("/judging/").get_data(as_text=True)
    assert f"<h3>{FRENCH}</h3>" in dashboard
    assert "Screening" not in dashboard
    sheet = client.get(f"/judging/sme-awards/entries/{world.assignment_a.id}/score").get_data(as_text=True)
    assert f"· {FRENCH}</p>" in sheet and "Screening" not in sheet
    entry = client.get(f"/judging/sme-awards/entries/{world.assignment_a.id}").get_data(as_text=True)
    assert f"· {FRENCH}</p>" in entry and "Screening" not in entry


def test_judge_without_a_translation_sees_the_default_round_name_marked_as_english(client, world):
    _translate(world.round, "fr", name=FRENCH)
    _reader(world.judge, "es")
    login(client, world.judge)

    dashboard = client.get("/judging/").get_data(as_text=True)
    assert '<h3 lang="en" dir="ltr">Screening</h3>' in dashboard and FRENCH not in dashboard
    sheet = client.get(f"/judging/sme-awards/entries/{world.assignment_a.id}/score").get_data(as_text=True)
    assert '· <span lang="en" dir="ltr">Screening</span></p>' in sheet


def test_reminder_to_a_french_judge_names_the_round_in_french(world, outbox):
    _translate(world.round, "fr", name=FRENCH)
    _reader(world.judge, "fr")

    reminders.send_reminders(world.round, actor=world.organiser)

    sent = {message["To"]: mail_body(message) for message in outbox()}
    message = (
        "You have %(num)d entry still to score in the round “%(round)s” of %(challenge)s.",
        "You have %(num)d entries still to score in the round “%(round)s” of %(challenge)s.",
        1,
    )
    with force_locale("fr"):
        french = ngettext(*message, round=FRENCH, challenge="Digital SME Awards")
    assert french in sent["judy@jury.example"] and "Screening" not in sent["judy@jury.example"]
    english = ngettext(*message, round="Screening", challenge="Digital SME Awards")
    assert english in sent["conrad@jury.example"]  # no English translation: the default name


def test_new_assignments_mail_names_the_round_in_the_judges_language(client, world, outbox):
    _translate(world.round, "fr", name=FRENCH)
    _translate(world.challenge, "fr", title="Prix des PME numériques")
    una = world.unassigned_judge
    _reader(una, "fr")

    with client.application.test_request_context():
        preview = preview_assignments(world.round)
        commit_assignments(
            world.round, keep_existing=True, seed=0, inputs=preview.inputs, actor=world.organiser
        )

    [message] = [m for m in outbox() if m["To"] == una.email]
    assert FRENCH in mail_body(message) and "Screening" not in mail_body(message)
    assert "Prix des PME numériques" in message["Subject"]


def test_round_outcome_mail_names_the_rounds_in_the_entrants_language(app, world):
    final = make_round(world.challenge, "Final", position=2)
    _translate(world.round, "fr", name=FRENCH)
    _translate(final, "fr", name="Finale")

    with app.test_request_context():
        send_template(
            "a@alpha.example",
            "round_outcome_through",
            language="fr",
            name="Amina",
            challenge=world.challenge,
            round=world.round,
            next_round=final,
            submission=world.submission_a,
            link="https://judging.example.org/entries/1",
        )

    [message] = read_outbox(app)
    with force_locale("fr"):
        subject = gettext(
            "“%(title)s” goes through to %(round)s of %(challenge)s",
            title="Alpha mesh for clinics",
            round="Finale",
            challenge="Digital SME Awards",
        )
    assert message["Subject"] == subject
    assert FRENCH in mail_body(message) and "Screening" not in mail_body(message)


def test_entrant_report_names_the_round_in_their_language_while_its_name_is_unchanged(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    _translate(world.round, "fr", name=FRENCH)
    _reader(world.entrant_a, "fr")
    login(client, world.entrant_a)
    url = f"/entries/{world.submission_a.id}/results"

    page = client.get(url).get_data(as_text=True)
    assert _from_the_round(FRENCH) in page and "Screening" not in page

    world.round.name = "Longlist"  # renamed after publication: the translation belongs to the new name
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert _from_the_round("Screening") in page  # the published name
    assert FRENCH not in page and "Longlist" not in page


def _from_the_round(name: str) -> str:
    """The report's first sentence in French for entry A (ranked 1 of 3), from the round ``name``."""
    with force_locale("fr"):
        return gettext(
            "From the round “%(round)s”: ranked %(rank)d of %(count)d in your category, at or above "
            "%(percentile)d%% of its entries.",
            round=name,
            rank=1,
            count=3,
            percentile=100,
        )
