"""The whole programme in a real browser, each person in their own browser context: an entrant registers
and enters, the organiser screens, invites a judge and assigns, the judge accepts, declares a conflict
and scores, the organiser ranks, decides and publishes, the entrant downloads the certificate and a
visitor verifies it. axe-core checks every page on the way; the main pages are photographed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect
from sqlalchemy import select

from judging.accounts.models import User
from judging.assignments.models import Round, RoundEntry
from judging.certificates.services import issue_certificates
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.extensions import db
from judging.results.models import Outcome
from judging.results.publish_services import publish_results
from judging.scoring.models import Criterion
from judging.submissions.models import Submission
from tests.e2e.conftest import screenshot
from tests.factories import (
    PASSWORD,
    links_in,
    make_assignment,
    make_challenge,
    make_criterion,
    make_decision,
    make_judge,
    make_organisation,
    make_round,
    make_sheet,
    make_submission,
    make_user,
    minimal_pdf,
)

pytestmark = pytest.mark.e2e

ENTRANT_PASSWORD = "a long pass phrase"
JUDGE_PASSWORD = "a quiet jury of owls"


def mail_link(live, to: str, part: str) -> str:
    """The path of the last link containing ``part`` mailed to ``to``."""
    mails = [mail for mail in live.outbox() if mail["To"] == to]
    assert mails, f"no mail to {to}"
    [link] = [url for url in links_in(mails[-1]) if part in url]
    return link.removeprefix(live.url)


def press(page: Page, name: str) -> None:
    """Press the button of the page's main content named ``name``."""
    page.locator("main").get_by_role("button", name=name, exact=True).click()


def sign_in(page: Page, axe, email: str, password: str) -> None:
    page.goto("/login")
    axe.check(page)
    page.fill("[name=email]", email)
    page.fill("[name=password]", password)
    press(page, "Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def seed():
    """The organiser's challenge, open for entries, with a round and its rubric ready, and one entry of
    another organisation (the one the judge declares a conflict with)."""
    organiser = make_user("olu@organiser.example", name="Olu Organiser")
    challenge = make_challenge(
        "Digital SME Awards",
        slug="sme-awards",
        organisers=[organiser],
        categories=("Connectivity", "E-health"),
        feedback_to_entrants=True,
    )
    other = make_submission(
        challenge, make_organisation("Beta Health", country="PE"), title="Beta telehealth"
    )
    closes = challenge.closes_at + timedelta(days=30)
    round_ = make_round(challenge, "Final", entries=[other], judges_per_entry=1, closes_at=closes)
    make_criterion(round_, "Innovation", position=0)
    make_criterion(round_, "Impact", position=1)
    round_id = round_.id
    db.session.remove()
    return round_id


def english(text: str) -> str:
    return text


def arabic(text: str) -> str:
    """``text`` as the Arabic catalogue gives it (needs the application context)."""
    with force_locale("ar"):
        return gettext(text)


def choose_arabic(page: Page) -> None:
    """Choose Arabic as a visitor: with the footer's language picker where there is one, else the cookie."""
    picker = page.locator("select[name=lang]")
    if picker.count():
        picker.select_option("ar")
        picker.locator("xpath=ancestor::form").get_by_role("button").click()
    else:
        page.context.add_cookies([{"name": "lang", "value": "ar", "url": page.url}])
        page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "ar")


def assert_arabic(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def entrant_registers_and_enters(page: Page, axe, live, t=english, *, email: str, organisation: str) -> int:
    """Register, confirm the address from the mailed link, add the organisation, enter with a deck.
    ``t`` gives the text of each button and label in the reader's language."""
    page.goto("/")
    if t is arabic:
        choose_arabic(page)
    axe.check(page)
    page.get_by_role("link", name="Digital SME Awards").first.click()
    page.wait_for_url("**/challenges/sme-awards")
    axe.check(page)
    screenshot(page, "public-challenge" if t is english else "public-challenge-ar")
    page.locator("header").get_by_role("link", name=t("Register")).click()
    page.wait_for_url("**/register**")
    axe.check(page)
    if t is arabic:
        assert_arabic(page)
        expect(page.locator("label[for=email]")).to_have_text(t("Email address"))
    page.fill("[name=name]", "Amina Wanjiru")
    page.fill("[name=email]", email)
    page.fill("[name=password]", ENTRANT_PASSWORD)
    page.fill("[name=confirm]", ENTRANT_PASSWORD)
    page.select_option("[name=country]", "KE")
    page.select_option("[name=language]", "ar" if t is arabic else "en")
    press(page, t("Create the account"))
    page.wait_for_url("**/check-your-mail**")
    axe.check(page)

    page.goto(mail_link(live, email, "/account/verify/"))
    expect(page.locator("main")).to_contain_text(t("Thank you: your email address is confirmed."))
    axe.check(page)
    if page.locator("header").get_by_role("button", name=t("Sign out")).count() == 0:
        page.fill("[name=email]", email)
        page.fill("[name=password]", ENTRANT_PASSWORD)
        press(page, t("Sign in"))
        expect(page.locator("header").get_by_role("button", name=t("Sign out"))).to_be_visible()

    page.goto("/organisation/new")
    axe.check(page)
    page.fill("[name=name]", organisation)
    page.select_option("[name=country]", "KE")
    page.fill("[name=website]", "https://meshwave.example")
    page.fill("[name=employees]", "24")
    page.fill("[name=founded_year]", "2018")
    page.select_option("[name=sector]", index=1)
    page.fill("[name=description]", "Solar mesh networks for rural clinics.")
    press(page, t("Save"))
    expect(page.locator("main")).to_contain_text(organisation)
    axe.check(page)

    page.goto("/challenges/sme-awards")
    page.get_by_role("link", name=t("Enter this challenge")).click()
    page.wait_for_url("**/challenges/sme-awards/enter")
    axe.check(page)
    page.get_by_label("E-health").check()
    page.fill("[name=title]", "Solar mesh")
    press(page, t("Start my entry"))
    page.wait_for_url("**/edit")
    axe.check(page)
    if t is english:
        screenshot(page, "entry-form")
    else:
        assert_arabic(page)
    page.fill("[name=summary]", "We keep rural clinics online.")
    page.fill("[name=problem]", "Clinics lose their connection.")
    page.fill("[name=solution]", "Solar mesh nodes.")
    page.fill("[name=business_model]", "Subscriptions.")
    page.fill("[name=impact]", "Forty clinics online.")
    page.locator("[name=sdgs][value='3']").check()
    page.locator("[name=stage][value='prototype']").check()
    page.set_input_files(
        "[name=deck]", {"name": "deck.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}
    )
    press(page, t("Submit entry"))
    page.wait_for_url(re.compile(r".*/entries/\d+$"))  # the edit page showed the title too
    expect(page.locator("main")).to_contain_text("Solar mesh")
    axe.check(page)

    page.goto("/entries/")
    expect(page.locator("main")).to_contain_text("Solar mesh")
    axe.check(page)
    if t is english:
        screenshot(page, "entrant-dashboard")
    else:
        assert_arabic(page)
        screenshot(page, "entrant-dashboard-ar")
    entry = db.session.scalar(select(Submission).where(Submission.title == "Solar mesh"))
    assert entry.status is SubmissionStatus.SUBMITTED and entry.deck is not None
    entry_id = entry.id
    db.session.remove()
    return entry_id


def organiser_screens_invites_and_opens_judging(page: Page, axe, entry_id: int, round_id: int) -> None:
    sign_in(page, axe, "olu@organiser.example", PASSWORD)
    page.goto(f"/manage/sme-awards/entries/{entry_id}")
    axe.check(page)
    page.get_by_label("Eligible", exact=True).check()
    press(page, "Save the decision")
    expect(page.locator("main")).to_contain_text("Eligible")

    page.goto("/manage/sme-awards/")
    axe.check(page)
    press(page, "Close entries now")
    press(page, "Start judging")
    expect(page.locator("main")).to_contain_text("Judging")
    page.goto(f"/manage/sme-awards/rounds/{round_id}")
    axe.check(page)
    press(page, "Bring the entries up to date")
    expect(page.locator("main")).to_contain_text("Solar mesh")

    page.goto("/manage/sme-awards/jury/invite")
    axe.check(page)
    page.fill("[name=name]", "Nia Newcomer")
    page.fill("[name=email]", "nia@jury.example")
    page.get_by_label("Connectivity").check()
    page.get_by_label("E-health").check()
    page.fill("[name=capacity]", "6")
    page.fill("[name=affiliation]", "Strathmore University")
    page.select_option("[name=country]", "KE")
    press(page, "Send the invitation")
    expect(page.locator("main")).to_contain_text("Nia Newcomer")
    axe.check(page)


def judge_accepts_and_declares_a_conflict(page: Page, axe, live) -> None:
    page.goto(mail_link(live, "nia@jury.example", "/judging/invitation/"))
    axe.check(page)
    page.fill("[name=password]", JUDGE_PASSWORD)
    page.fill("[name=confirm]", JUDGE_PASSWORD)
    press(page, "Accept and create my account")
    page.wait_for_url("**/terms")
    axe.check(page)
    page.locator("[name=agree]").check()
    press(page, "Accept the terms")
    page.wait_for_url("**/profile")
    axe.check(page)
    press(page, "Confirm my details")
    page.wait_for_url("**/judging/")
    axe.check(page)

    page.goto("/judging/sme-awards/conflicts")
    axe.check(page)
    page.get_by_role("link", name="Declare a conflict with Beta telehealth").click()
    expect(page.locator("#declare-heading")).to_contain_text("Beta telehealth")
    axe.check(page)
    page.locator("[name=reason]").first.check()
    press(page, "Declare this conflict")
    expect(page.locator("main")).to_contain_text("Declared")
    axe.check(page)


def test_the_whole_programme_in_english(live, new_page, axe):
    round_id = seed()
    entrant = new_page()
    entry_id = entrant_registers_and_enters(
        entrant, axe, live, email="amina@meshwave.example", organisation="MeshWave Kenya Ltd"
    )

    organiser = new_page()
    organiser_screens_invites_and_opens_judging(organiser, axe, entry_id, round_id)

    judge = new_page()
    judge_accepts_and_declares_a_conflict(judge, axe, live)

    organiser.goto(f"/manage/sme-awards/rounds/{round_id}/assignments")
    axe.check(organiser)
    press(organiser, "Assign Nia Newcomer")
    expect(organiser.locator("main")).to_contain_text("Nia Newcomer now has “Solar mesh”.")

    judge.goto("/judging/")
    axe.check(judge)
    screenshot(judge, "judge-dashboard")
    judge.get_by_role("link", name="Score").click()
    judge.wait_for_url("**/score")
    axe.check(judge)
    screenshot(judge, "scoring")
    judge.get_by_role("group", name=re.compile("Innovation")).get_by_label("5").check()
    judge.get_by_role("group", name=re.compile("Impact")).get_by_label("4").check()
    judge.fill("[name=feedback]", "A strong pilot.")
    press(judge, "Submit scores")
    expect(judge.locator("main")).to_contain_text("Your scores are submitted")
    axe.check(judge)

    organiser.goto(f"/manage/sme-awards/rounds/{round_id}/standings")
    expect(organiser.locator("main")).to_contain_text("Solar mesh")
    axe.check(organiser)
    screenshot(organiser, "standings")
    organiser.goto("/manage/sme-awards/decisions")
    axe.check(organiser)
    organiser.get_by_label("Outcome of Solar mesh").select_option("winner")
    press(organiser, "Save the decisions")
    expect(organiser.locator("main")).to_contain_text("1 decision changed.")  # saved, not only chosen
    expect(organiser.get_by_label("Outcome of Solar mesh")).to_have_value("winner")
    organiser.goto("/manage/sme-awards/results")
    axe.check(organiser)
    organiser.locator("[name=confirm]").check()
    press(organiser, "Publish results")
    expect(organiser.locator("main")).to_contain_text("Version 1")
    axe.check(organiser)
    organiser.goto("/manage/sme-awards/certificates")
    axe.check(organiser)
    press(organiser, "Issue certificates")
    expect(organiser.locator("main")).to_contain_text("Certificates issued: 2 new")
    axe.check(organiser)

    entrant.goto(f"/entries/{entry_id}")
    axe.check(entrant)
    entrant.get_by_role("link", name="See your outcome and feedback").click()
    entrant.wait_for_url(f"**/entries/{entry_id}/results")
    expect(entrant.locator("main")).to_contain_text("Winner")
    expect(entrant.locator("main")).to_contain_text("A strong pilot.")
    axe.check(entrant)
    screenshot(entrant, "results")
    entrant.goto("/entries/")
    axe.check(entrant, "/entries/ with a certificate")
    link = entrant.get_by_role("link", name="Download the PDF")
    href = link.get_attribute("href")
    pdf = entrant.request.get(href)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    code = re.search(r"/certificates/([^/]+)\.pdf", href).group(1)

    visitor = new_page()
    visitor.goto(f"/verify/{code}")
    expect(visitor.get_by_role("status")).to_contain_text("Valid")
    expect(visitor.locator("main")).to_contain_text("MeshWave Kenya Ltd")
    expect(visitor.locator("main")).to_contain_text("Winner")
    axe.check(visitor)
    screenshot(visitor, "certificate-verification")
    visitor.goto("/challenges/sme-awards/results")
    expect(visitor.locator("main")).to_contain_text("Solar mesh")
    axe.check(visitor)

    axe.assert_clean()


def judge_and_publish_behind_the_scenes(entry_id: int, round_id: int) -> None:
    """What the organiser and a judge do in the English journey, done directly: the entry eligible and in
    the round, marked, decided a winner, the results published and the certificates issued."""
    entry = db.session.get(Submission, entry_id)
    entry.status = SubmissionStatus.ELIGIBLE
    challenge = entry.challenge
    challenge.status = ChallengeStatus.JUDGING
    db.session.add(RoundEntry(round_id=round_id, submission_id=entry_id))
    db.session.commit()
    round_ = db.session.get(Round, round_id)
    judge = make_judge(challenge, make_user("nia@jury.example", name="Nia Newcomer"))
    innovation, impact = db.session.scalars(
        select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position)
    )
    sheet = make_sheet(make_assignment(round_, judge, entry), {innovation: 5, impact: 4}, submitted=True)
    sheet.feedback = "A strong pilot."
    db.session.commit()
    make_decision(entry, Outcome.WINNER)
    organiser = db.session.scalar(select(User).where(User.email == "olu@organiser.example"))
    publish_results(challenge, reason=None, actor=organiser)
    issue_certificates(challenge, actor=organiser)
    db.session.remove()


def test_the_entrants_part_in_arabic(live, new_page, axe):
    round_id = seed()
    entrant = new_page()
    entry_id = entrant_registers_and_enters(
        entrant, axe, live, arabic, email="amina@ar.example", organisation="شبكة الشمس"
    )
    judge_and_publish_behind_the_scenes(entry_id, round_id)

    entrant.goto(f"/entries/{entry_id}")
    assert_arabic(entrant)
    entrant.get_by_role("link", name=arabic("See your outcome and feedback")).click()
    entrant.wait_for_url(f"**/entries/{entry_id}/results")
    assert_arabic(entrant)
    expect(entrant.locator("main")).to_contain_text(arabic("Winner"))
    expect(entrant.locator("main")).to_contain_text("A strong pilot.")
    axe.check(entrant)
    screenshot(entrant, "results-ar")
    entrant.goto("/entries/")
    axe.check(entrant, "/entries/ with a certificate, in Arabic")
    href = entrant.get_by_role("link", name=arabic("Download the PDF")).get_attribute("href")
    pdf = entrant.request.get(href)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    visitor = new_page()
    visitor.goto("/")
    choose_arabic(visitor)
    visitor.goto(href.replace("/certificates/", "/verify/").removesuffix(".pdf"))
    assert_arabic(visitor)
    expect(visitor.get_by_role("status")).to_contain_text(arabic("Valid"))
    axe.check(visitor)
    screenshot(visitor, "certificate-verification-ar")

    axe.assert_clean()
