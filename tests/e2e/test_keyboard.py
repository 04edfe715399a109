"""The submission and scoring journeys with the keyboard only: an entrant enters a challenge, a judge
scores a whole sheet. Tab, Shift+Tab, arrow keys, Space, Enter and typing, never the mouse; the element
with the focus is always visibly marked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from judging.challenges.models import QuestionKind
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.extensions import db
from judging.scoring.models import ScoreSheet, SheetStatus
from judging.submissions.models import Stage, Submission
from tests.factories import PASSWORD, build_world, make_challenge, make_question, make_user, minimal_pdf

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000  # ms: generous, for a loaded machine

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        tag: element.tagName.toLowerCase(), type: element.type || "", name: element.name || "",
        value: element.value || "", text: (element.innerText || "").trim(),
        checked: Boolean(element.checked),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== "none",
    };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, wanted, *, backwards: bool = False, limit: int = 80) -> dict:
    """Press Tab (Shift+Tab) until the focused element satisfies ``wanted``; return it."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"the keyboard never reached the element wanted; last focused: {element}")


def assert_visibly_focused(page: Page) -> None:
    element = focused(page)
    assert element["outline"] or element["shadow"], f"no visible focus indicator on {element}"


def test_a_judge_scores_a_whole_sheet_with_the_keyboard_only(live, page, axe):
    world = build_world()
    world.challenge.status = ChallengeStatus.JUDGING
    db.session.commit()
    assignment_id = world.assignment_a.id
    db.session.remove()

    page.goto("/login")
    tab_to(page, lambda e: e["name"] == "email")
    assert_visibly_focused(page)
    page.keyboard.type("judy@jury.example")
    tab_to(page, lambda e: e["name"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/judging/")
    tab_to(page, lambda e: e["tag"] == "a" and e["text"] == "Score")
    assert_visibly_focused(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/entries/{assignment_id}/score")
    axe.check(page)

    # Innovation: Tab lands on the first mark; Space chooses it, the arrows move the choice to 4.
    first = tab_to(page, lambda e: e["type"] == "radio")
    assert first["value"] == "1" and not first["checked"]
    assert_visibly_focused(page)
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    now = focused(page)
    assert (now["name"], now["value"], now["checked"]) == (first["name"], "4", True)
    # Impact: the next Tab leaves the group for the next one; choose 2.
    impact = tab_to(page, lambda e: e["type"] == "radio")
    assert impact["name"] != first["name"]
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert_visibly_focused(page)
    # Back to Innovation with Shift+Tab, lower it to 3, then on to the feedback.
    back = tab_to(page, lambda e: e["name"] == first["name"], backwards=True)
    assert back["value"] == "4" and back["checked"]
    page.keyboard.press("ArrowLeft")
    tab_to(page, lambda e: e["name"] == "feedback")
    assert_visibly_focused(page)
    page.keyboard.type("Clear pilot results; the cost per clinic needs evidence.")
    submit = tab_to(page, lambda e: e["tag"] == "button" and e["value"] == "submit")
    assert submit["text"] == "Submit scores"
    assert_visibly_focused(page)
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_contain_text("Your scores are submitted")
    axe.check(page)
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment_id))
    assert sheet.status is SheetStatus.SUBMITTED
    assert {score.criterion.name: score.value for score in sheet.scores} == {"Innovation": 3, "Impact": 2}
    assert sheet.feedback == "Clear pilot results; the cost per clinic needs evidence."
    db.session.remove()
    axe.assert_clean()


def press_enter_on(page: Page, wanted, url: str) -> None:
    """Tab to the element ``wanted`` (a link or a button), check its focus is visible, press Enter and
    wait for the next page, at ``url``, to load (the address alone may already match: a form posted to
    its own page)."""
    tab_to(page, wanted)
    assert_visibly_focused(page)
    with page.expect_event("load"):
        page.keyboard.press("Enter")
    page.wait_for_url(url)


def link(text: str):
    return lambda e: e["tag"] == "a" and e["text"] == text


def button(text: str):
    return lambda e: e["tag"] == "button" and e["text"] == text


def named(name: str, value: str | None = None):
    return lambda e: e["name"] == name and (value is None or e["value"] == value)


def type_into(page: Page, name: str, text: str) -> None:
    tab_to(page, named(name))
    page.keyboard.type(text)


def choose_in_list(page: Page, name: str, letter: str, value: str) -> None:
    """Tab to the drop-down list ``name`` and press the first letter of the option wanted until it is
    chosen (each press moves to the next option starting with it, however slow the typing)."""
    tab_to(page, named(name))
    assert_visibly_focused(page)
    for _ in range(30):
        page.keyboard.press(letter)
        if focused(page)["value"] == value:
            return
    raise AssertionError(f"pressing {letter!r} in {name} never chose {value!r}")


def test_an_entrant_enters_a_challenge_with_the_keyboard_only(live, page, axe):
    """Sign in, add the organisation, start an entry, fill every required field, attach the deck, save
    the draft and submit it: Tab, arrows, Space, Enter and typing, the file dialog opened from the
    keyboard."""
    make_user("kim@keys.example", name="Kim Keys")
    challenge = make_challenge("Digital SME Awards", slug="sme-awards")
    question = make_question(
        challenge,
        "Where do you sell?",
        kind=QuestionKind.SINGLE_CHOICE,
        choices=["At home", "In the region", "Worldwide"],
        required=True,
    )
    question_field = f"q_{question.id}"
    db.session.remove()
    # Playwright asks the browser to intercept file dialogs when the first "filechooser" listener is added,
    # without waiting for the answer: listening from the start keeps the Space press below from winning
    # that race on a slow machine (the dialog then opens natively and the event never comes).
    page.on("filechooser", lambda chooser: None)

    page.goto("/login")
    tab_to(page, named("email"))
    page.keyboard.type("kim@keys.example")
    tab_to(page, named("password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=TIMEOUT)

    # No organisation yet: the dashboard leads to its form.
    press_enter_on(page, link("My entries"), "**/entries/")
    press_enter_on(page, link("Create your organisation"), "**/organisation")
    press_enter_on(page, link("Add your organisation"), "**/organisation/new")
    axe.check(page)
    type_into(page, "name", "Keyboard Mesh Ltd")
    choose_in_list(page, "country", "K", "KE")
    type_into(page, "employees", "7")
    choose_in_list(page, "sector", "E", "education")
    press_enter_on(page, button("Save"), "**/organisation")
    expect(page.locator("main h1")).to_have_text("Keyboard Mesh Ltd", timeout=TIMEOUT)

    press_enter_on(page, link("My entries"), "**/entries/")
    press_enter_on(page, link("Enter this challenge"), "**/challenges/sme-awards/enter")
    axe.check(page)
    # Category: Tab lands on the first choice; the arrow moves (and makes) the choice.
    first = tab_to(page, named("category"))
    assert_visibly_focused(page)
    page.keyboard.press("ArrowDown")
    chosen = focused(page)
    assert chosen["checked"] and chosen["value"] != first["value"]
    type_into(page, "title", "Mesh by keys")
    press_enter_on(page, button("Start my entry"), "**/edit")
    expect(page.locator("main")).to_contain_text("Your draft has been created", timeout=TIMEOUT)
    axe.check(page)

    for name, text in [
        ("summary", "Clinics kept online by solar mesh."),
        ("problem", "Rural clinics lose their connection."),
        ("solution", "Solar mesh nodes on rooftops."),
        ("business_model", "A monthly subscription per clinic."),
        ("impact", "Forty clinics online."),
    ]:
        type_into(page, name, text)
    assert_visibly_focused(page)
    # Goals: each checkbox is a Tab stop; Space ticks the ones wanted.
    for goal in ("3", "9"):
        tab_to(page, named("sdgs", goal))
        page.keyboard.press("Space")
        assert focused(page)["checked"]
    assert_visibly_focused(page)
    # Stage: one Tab stop for the group; the arrows choose.
    stage = tab_to(page, named("stage"))
    assert stage["value"] == "idea" and not stage["checked"]
    page.keyboard.press("ArrowRight")
    assert (focused(page)["value"], focused(page)["checked"]) == ("prototype", True)
    assert_visibly_focused(page)
    choose_in_list(page, "language", "F", "fr")
    # The organisers' question, a required single choice.
    tab_to(page, named(question_field))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert (focused(page)["value"], focused(page)["checked"]) == ("Worldwide", True)
    # The deck: the file input is a Tab stop, and Space opens the system's file dialog.
    tab_to(page, named("deck"))
    assert_visibly_focused(page)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files({"name": "deck.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()})

    press_enter_on(page, button("Save draft"), "**/edit")
    expect(page.locator("main")).to_contain_text("Your draft has been saved.", timeout=TIMEOUT)
    expect(page.locator("main")).to_contain_text("Current pitch deck: deck.pdf", timeout=TIMEOUT)
    axe.check(page, "entry form with a deck")
    # The submit step: the same form, kept as typed; Enter on "Submit entry".
    press_enter_on(page, button("Submit entry"), re.compile(r".*/entries/\d+$"))
    expect(page.locator("main")).to_contain_text("Your entry has been submitted.", timeout=TIMEOUT)
    axe.check(page)

    entry = db.session.scalar(select(Submission).where(Submission.title == "Mesh by keys"))
    assert entry.status is SubmissionStatus.SUBMITTED
    assert entry.organisation.name == "Keyboard Mesh Ltd" and entry.organisation.country == "KE"
    assert entry.category.name == "E-health"
    assert (entry.summary, entry.problem, entry.solution, entry.business_model, entry.impact) == (
        "Clinics kept online by solar mesh.",
        "Rural clinics lose their connection.",
        "Solar mesh nodes on rooftops.",
        "A monthly subscription per clinic.",
        "Forty clinics online.",
    )
    assert sorted(entry.sdgs) == [3, 9] and entry.stage is Stage.PROTOTYPE and entry.language == "fr"
    assert {answer.question_id: answer.value for answer in entry.answers} == {question.id: "Worldwide"}
    assert entry.deck is not None and entry.deck.original_name == "deck.pdf"
    db.session.remove()
    axe.assert_clean()
