"""Every main page of each role, checked by axe-core at desktop and phone widths, forms with errors too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from judging.core.lifecycle import ChallengeStatus
from judging.extensions import db
from tests.e2e.conftest import DESKTOP, PHONE
from tests.factories import PASSWORD, build_world, make_sheet

pytestmark = pytest.mark.e2e


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.fill("[name=email]", email)
    page.fill("[name=password]", PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("header").get_by_role("button", name="Sign out")).to_be_visible()


def visit_all(page: Page, axe, paths: list[str], forms: list[str] = ()) -> None:
    """Check ``paths`` at desktop and phone widths (wide tables scroll on a phone), ``forms`` at desktop."""
    for path in [*paths, *forms]:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        axe.check(page)
    page.set_viewport_size(PHONE)
    for path in paths:
        page.goto(path)
        axe.check(page, f"{path} (phone)")
    page.set_viewport_size(DESKTOP)


def test_every_page_of_each_role_meets_wcag_21_aa(live, new_page, axe):
    world = build_world()
    innovation, impact, _team = world.criteria
    make_sheet(world.assignment_a, {innovation: 4, impact: 3}, submitted=True, feedback="Good.")
    world.challenge.status = ChallengeStatus.JUDGING
    db.session.commit()
    c, r = world.challenge.slug, world.round.id
    a, b = world.submission_a.id, world.submission_b.id
    assignment, draft = world.assignment_a.id, world.draft_a.id
    category, criterion = world.challenge.categories[0].id, innovation.id
    judge_id = world.judge_membership.id
    db.session.remove()

    visitor = new_page()
    visit_all(visitor, axe, ["/", f"/challenges/{c}"], ["/login", "/register", "/password/forgot"])
    visitor.goto("/no-such-page")
    axe.check(visitor, "page not found")
    visitor.goto("/register")
    visitor.locator("main").get_by_role("button", name="Create the account").click()
    expect(visitor.locator(".error-summary")).to_be_visible()  # the answer, not the form sent
    axe.check(visitor, "/register with errors")
    visitor.goto("/login")
    visitor.fill("[name=email]", "nobody@example.org")
    visitor.fill("[name=password]", "wrong password")
    visitor.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(visitor.locator(".error-summary")).to_be_visible()
    axe.check(visitor, "/login with errors")

    entrant = new_page()
    sign_in(entrant, "a@alpha.example")
    visit_all(
        entrant,
        axe,
        ["/entries/", f"/entries/{a}", "/organisation", "/account", "/account/two-factor"],
        [f"/entries/{draft}/edit", "/organisation/edit", "/account/password", "/account/email",
         "/account/two-factor/setup", f"/entries/{a}/withdraw"],
    )  # fmt: skip

    judge = new_page()
    sign_in(judge, "judy@jury.example")
    entry = f"/judging/{c}/entries/{assignment}"
    visit_all(
        judge,
        axe,
        ["/judging/", entry, f"{entry}/score", f"/judging/{c}/conflicts"],
        [f"/judging/{c}/assignments/{assignment}/recuse", f"/judging/{c}/profile", f"/judging/{c}/terms"],
    )

    organiser = new_page()
    sign_in(organiser, "organiser@example.org")
    manage, rnd = f"/manage/{c}", f"/manage/{c}/rounds/{r}"
    visit_all(organiser, axe, [
        "/manage/", f"{manage}/", f"{manage}/categories", f"{manage}/questions", f"{manage}/entries",
        f"{manage}/entries/{b}", f"{manage}/jury", f"{manage}/rounds", rnd, f"{rnd}/rubric",
        f"{manage}/conflicts", f"{manage}/assignments", f"{rnd}/assignments", f"{rnd}/assignments/preview",
        f"{manage}/progress", f"{rnd}/progress", f"{rnd}/standings", f"{rnd}/judges",
        f"{rnd}/entries/{a}/history", f"{manage}/decisions", f"{manage}/results", f"{manage}/certificates",
    ], [
        f"{manage}/edit", f"{manage}/categories/{category}/edit", f"{manage}/questions/new",
        f"{manage}/jury/invite", f"{manage}/jury/{judge_id}/edit", f"{manage}/jury/import",
        f"{manage}/jury/terms", f"{manage}/rounds/new", f"{rnd}/edit",
        f"{rnd}/advance", f"{rnd}/assignments/{assignment}/swap", f"{rnd}/assignments/import",
        f"{rnd}/rubric/new", f"{rnd}/rubric/{criterion}/edit", f"{rnd}/rubric/{criterion}/rescale",
        f"{rnd}/rubric/copy", f"{rnd}/standings/settings", f"{manage}/decisions/settings",
        f"{manage}/certificates/design",
    ])  # fmt: skip
    admin = new_page()
    sign_in(admin, "admin@example.org")
    visit_all(admin, axe, [], ["/manage/new", f"{manage}/organisers"])

    organiser.goto(f"{manage}/jury/invite")
    organiser.locator("main").get_by_role("button", name="Send the invitation").click()
    expect(organiser.locator(".error-summary")).to_be_visible()
    axe.check(organiser, "jury invitation with errors")

    axe.assert_clean()
