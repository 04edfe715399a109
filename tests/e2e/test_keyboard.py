"""A judge signs in and scores a whole sheet with the keyboard only: Tab, Shift+Tab, arrow keys, Space,
Enter and typing, never the mouse; the element with the focus is always visibly marked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from judging.core.lifecycle import ChallengeStatus
from judging.extensions import db
from judging.scoring.models import ScoreSheet, SheetStatus
from tests.factories import PASSWORD, build_world

pytestmark = pytest.mark.e2e

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
