"""The journeys of issue 2, walked by following links and pressing buttons only (no JavaScript)."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from judging.accounts.models import User
from judging.challenges.models import Challenge
from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from judging.submissions.models import Submission
from tests.browsing import Browser
from tests.factories import (
    links_in,
    login,
    make_challenge,
    make_organisation,
    make_submission,
    make_user,
    minimal_pdf,
)


def test_a_new_entrant_registers_verifies_and_enters_a_challenge(app, client, outbox):
    make_challenge("Digital SME Awards", slug="sme-awards", categories=("Connectivity", "E-health"))
    browser = Browser(client).open("/")

    browser.follow("Digital SME Awards").follow("Register")
    browser.submit(
        "Create the account",
        {
            "name": "Amina Wanjiru",
            "email": "amina@meshwave.example",
            "password": "a long pass phrase",
            "confirm": "a long pass phrase",
            "country": "KE",
            "language": "en",
        },
    )
    [verification] = outbox()
    assert verification["To"] == "amina@meshwave.example"
    [link] = [url for url in links_in(verification) if "/account/verify/" in url]
    assert link.startswith("https://judging.example.org/")
    browser.open(link.removeprefix("https://judging.example.org"))
    assert "confirmed" in browser.text.lower()
    browser.submit("Sign in", {"email": "amina@meshwave.example", "password": "a long pass phrase"})

    browser.open("/").follow("Digital SME Awards")
    browser.follow("organisation").follow("Add your organisation")
    browser.submit(
        "Save",
        {
            "name": "MeshWave Kenya Ltd",
            "country": "KE",
            "website": "https://meshwave.example",
            "employees": "24",
            "founded_year": "2018",
            "sector": browser_first_sector(browser),
            "description": "Solar mesh networks for rural clinics.",
        },
    )
    assert "MeshWave Kenya Ltd" in browser.text

    browser.open("/").follow("Digital SME Awards").follow("Enter")
    browser.submit("Start my entry", {"category": category_value(browser, "E-health"), "title": "Solar mesh"})
    assert "/edit" in browser.url
    browser.submit("Save draft", {"summary": "We keep rural clinics online."})
    assert "Solar mesh" in browser.text
    entry = db.session.scalar(select(Submission))
    assert entry.status is SubmissionStatus.DRAFT
    assert entry.summary == "We keep rural clinics online."

    browser.open(f"/entries/{entry.id}/edit")
    browser.submit(
        "Submit entry",
        {
            "problem": "Clinics lose their connection.",
            "solution": "Solar mesh nodes.",
            "business_model": "Subscriptions.",
            "impact": "Forty clinics online.",
            "sdgs": ["3", "9"],
            "stage": "prototype",
        },
        files={"deck": (io.BytesIO(minimal_pdf()), "deck.pdf")},
    )
    db.session.expire_all()
    entry = db.session.scalar(select(Submission))
    assert entry.status is SubmissionStatus.SUBMITTED, browser.text
    assert entry.deck is not None

    browser.open("/entries/")
    assert "Solar mesh" in browser.text
    browser.follow("Solar mesh")
    browser.follow("Withdraw")
    browser.submit("Yes, withdraw")
    db.session.expire_all()
    assert db.session.get(Submission, entry.id).status is SubmissionStatus.WITHDRAWN


def browser_first_sector(browser: Browser) -> str:
    match = re.search(r'<select[^>]*name="sector"[^>]*>.*?<option[^>]*value="([^"]+)"', browser.html, re.S)
    return match.group(1)


def category_value(browser: Browser, name: str) -> str:
    for value, label in re.findall(r'value="(\d+)"[^>]*>\s*([^<]+)', browser.html):
        if name in label:
            return value
    for match in re.finditer(r'<input[^>]*value="(\d+)"[^>]*id="([^"]+)"[^>]*>', browser.html):
        label = re.search(rf'<label[^>]*for="{match.group(2)}"[^>]*>([^<]+)', browser.html)
        if label and name in label.group(1):
            return match.group(1)
    raise AssertionError(f"no category {name}")


def test_an_organiser_sets_up_a_challenge_then_screens_and_exports_its_entries(app, client):
    admin = make_user("admin@example.org", admin=True)
    organiser = make_user("olga@example.org", name="Olga Organiser")
    browser = Browser(login(client, admin)).open("/")

    browser.follow("Manage").follow("New challenge")
    browser.submit(
        "Create the challenge",
        {"title": "Digital SME Awards 2027", "slug": "", "kind": "award", "timezone": "Europe/Paris",
         "organisers": "olga@example.org"},
    )  # fmt: skip
    challenge = db.session.scalar(select(Challenge))
    assert challenge.slug == "digital-sme-awards-2027"
    assert [user.email for user in challenge.organisers] == ["olga@example.org"]

    browser = Browser(login(client, db.session.get(User, organiser.id))).open("/manage/")
    browser.follow("Digital SME Awards 2027").follow("Details and dates")
    browser.submit(
        "Save",
        {"summary": "For digital SMEs.", "opens_at": "2020-01-01T00:00", "closes_at": "2099-03-01T00:00",
         "max_employees": "250", "max_entries_per_organisation": "2"},
    )  # fmt: skip
    db.session.expire_all()
    challenge = db.session.scalar(select(Challenge))
    assert challenge.closes_at.isoformat() == "2099-02-28T23:00:00+00:00"  # midnight in Paris, stored in UTC

    browser.follow("Categories")
    for name in ("Connectivity", "E-health"):
        browser.submit("Add category", {"name": name, "description": f"{name} solutions."})
    browser.follow("Entry form").follow("Add a question")
    browser.submit(
        "Save question", {"label": "How many users do you have?", "kind": "number", "required": "y"}
    )
    db.session.expire_all()
    challenge = db.session.scalar(select(Challenge))
    assert [c.name for c in challenge.categories] == ["Connectivity", "E-health"]
    assert [q.label for q in challenge.questions] == ["How many users do you have?"]

    browser.follow("Overview").submit("Open for entries")
    db.session.expire_all()
    assert db.session.scalar(select(Challenge)).accepts_entries()

    big = make_organisation("=Formula Corp", country="PE", employees=40)
    make_submission(db.session.scalar(select(Challenge)), big, title="Telehealth for the Andes")
    browser.open("/manage/digital-sme-awards-2027/").follow("1 entry submitted")
    assert "Telehealth for the Andes" in browser.text
    browser.follow("Telehealth for the Andes")
    browser.submit("Save the decision", {"decision": "ineligible", "reason": "Registered after the cut-off."})
    db.session.expire_all()
    entry = db.session.scalar(select(Submission))
    assert entry.status is SubmissionStatus.INELIGIBLE
    assert entry.screening_reason == "Registered after the cut-off."

    browser.open("/manage/digital-sme-awards-2027/entries")
    response = client.get(browser.link_to("CSV"))
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert "'=Formula Corp" in rows[1]
