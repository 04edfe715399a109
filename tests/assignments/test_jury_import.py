"""Organisers import a jury from CSV: all or nothing, with a message per problem line."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from judging.assignments.models import Judge, JudgeStatus
from judging.audit import AuditEvent
from judging.extensions import db
from tests.accounts.helpers import mails_to, text
from tests.factories import login

HEADER = "name,email,expertise,languages,capacity,affiliation,country"
GOOD = "\n".join(
    [
        HEADER,
        "Amina Diallo,amina@jury.example,E-health;connectivity,fr;en,12,Université de Dakar,SN",
        '"Ng, Wei",wei@jury.example,e-health,zh,,"Fudan University",CN',
    ]
)


def judges_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Judge))


def post_text(client, csv_text: str):
    return client.post("/manage/sme-awards/jury/import", data={"csv_text": csv_text})


def post_file(client, data: bytes, filename: str = "jury.csv"):
    return client.post(
        "/manage/sme-awards/jury/import",
        data={"csv_text": "", "csv_file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_a_pasted_list_invites_every_judge(client, world, outbox):
    login(client, world.organiser)

    response = post_text(client, GOOD)

    assert response.status_code == 302
    assert "2 judges invited." in text(client.get(response.headers["Location"]))
    amina = db.session.scalar(select(Judge).where(Judge.email == "amina@jury.example"))
    wei = db.session.scalar(select(Judge).where(Judge.email == "wei@jury.example"))
    assert [c.name for c in amina.expertise] == ["Connectivity", "E-health"]
    assert (amina.languages, amina.capacity, amina.affiliation, amina.country) == (
        ["fr", "en"],
        12,
        "Université de Dakar",
        "SN",
    )
    assert (wei.name, wei.capacity, wei.status) == ("Ng, Wei", 10, JudgeStatus.INVITED)  # empty capacity: 10
    assert (
        len(mails_to(outbox(), "amina@jury.example")) == 1
        and len(mails_to(outbox(), "wei@jury.example")) == 1
    )
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "judge.invite")) == 2


def test_a_file_with_any_problem_imports_nothing_and_names_each_line(client, world, outbox):
    login(client, world.organiser)
    before = judges_count()
    csv_text = "\n".join(
        [
            HEADER,
            "Amina Diallo,amina@jury.example,E-health,fr,12,,SN",
            "Bad Email,not-an-address,E-health,en,5,,KE",
            "Typo Category,typo@jury.example,E-helth,en,5,,KE",
            "Zero Capacity,zero@jury.example,E-health,en,0,,KE",
            "Negative Capacity,neg@jury.example,E-health,en,-3,,KE",
            "Bad Country,country@jury.example,E-health,en,5,,Kenya",
            "Amina Again,AMINA@jury.example,E-health,en,5,,SN",
            "Already Judging,judy@jury.example,E-health,en,5,,GB",
            "Bad Language,lang@jury.example,E-health,english,5,,GB",
            "No Expertise,none@jury.example,,en,5,,GB",
            "Words,words@jury.example,E-health,en,lots,,GB",
        ]
    )

    response = post_text(client, csv_text)

    page = text(response)
    assert response.status_code == 200
    assert "Nothing was imported: 10 problems need fixing first." in page
    for message in [
        "Line 3: 'not-an-address' is not a valid email address.",
        "Line 4: unknown category 'E-helth'.",
        "Line 5: The capacity must be a whole number from 1 to 1000.",
        "Line 6: The capacity must be a whole number from 1 to 1000.",
        "Line 7: 'KENYA' is not a country code (two letters, such as KE or FR).",
        "Line 8: amina@jury.example is already on line 2.",
        "Line 9: judy@jury.example is already on the jury of this challenge.",
        "Line 10: 'english' is not a language code (such as en or fr).",
        "Line 11: Choose at least one category of expertise.",
        "Line 12: the capacity 'lots' is not a whole number.",
    ]:
        assert message in page
    assert "Line 2:" not in page
    assert "Typo Category,typo@jury.example,E-helth" in page  # the text stays on the page
    assert judges_count() == before
    assert outbox() == []


def test_an_uploaded_file_with_a_byte_order_mark_and_windows_line_endings_is_read(client, world):
    login(client, world.organiser)
    data = "\ufeff" + GOOD.replace("\n", "\r\n") + "\r\n"

    response = post_file(client, data.encode("utf-8"))

    assert response.status_code == 302
    amina = db.session.scalar(select(Judge).where(Judge.email == "amina@jury.example"))
    assert amina.name == "Amina Diallo" and amina.country == "SN"


def test_pasted_text_with_windows_line_endings_and_a_byte_order_mark_is_read(client, world):
    login(client, world.organiser)

    response = post_text(client, "\ufeff" + GOOD.replace("\n", "\r\n"))

    assert response.status_code == 302
    assert db.session.scalar(select(Judge).where(Judge.email == "wei@jury.example")).country == "CN"


def test_columns_may_come_in_any_order_and_only_name_email_and_expertise_are_needed(client, world):
    login(client, world.organiser)

    response = post_text(client, "Email,Expertise,Name\nkofi@jury.example,Connectivity,Kofi Mensah\n")

    assert response.status_code == 302
    kofi = db.session.scalar(select(Judge).where(Judge.email == "kofi@jury.example"))
    assert (kofi.name, kofi.languages, kofi.country) == ("Kofi Mensah", [], None)


def test_a_file_that_is_not_utf8_is_explained_and_its_problem_named(client, world):
    login(client, world.organiser)

    response = post_file(client, GOOD.encode("utf-16"))

    assert "This file is not UTF-8 text." in text(response)
    assert db.session.scalar(select(Judge).where(Judge.email == "amina@jury.example")) is None


def test_an_uploaded_file_with_problems_is_shown_in_the_text_box_to_correct(client, world):
    login(client, world.organiser)

    response = post_file(client, (HEADER + "\nBad,bad-address,E-health,en,3,,KE\n").encode())

    page = text(response)
    assert "Line 2: 'bad-address' is not a valid email address." in page
    assert "Bad,bad-address,E-health,en,3,,KE" in page


def test_header_problems_are_reported_on_line_one(client, world):
    login(client, world.organiser)

    unknown = text(post_text(client, "name,email,expertise,phone\nA,a@jury.example,E-health,123\n"))
    missing = text(post_text(client, "name,email\nA,a@jury.example\n"))
    semicolons = text(post_text(client, "name;email;expertise\nA;a@jury.example;E-health\n"))
    empty = text(post_text(client, "name,email,expertise\n"))

    assert "Line 1: unknown column 'phone'" in unknown
    assert "Line 1: the header has no 'expertise' column." in missing
    assert "Separate the columns with commas (,)" in semicolons
    assert "Line 1: no judges found" in empty
    assert judges_count() == 4  # the world's judges only


def test_a_line_with_too_many_values_is_reported(client, world):
    login(client, world.organiser)

    page = text(post_text(client, "name,email,expertise\nA,a@jury.example,E-health,extra\n"))

    assert "Line 2: 4 values, but the header names 3 columns." in page


def test_nothing_pasted_and_no_file_is_explained(client, world):
    login(client, world.organiser)

    assert "Paste the CSV text or choose a file." in text(post_text(client, "  "))


def test_a_category_name_with_a_comma_is_read_when_quoted(client, world):
    from judging.challenges.models import Category

    world.challenge.categories.append(Category(name="Smart cities, smart living", position=2))
    db.session.commit()
    login(client, world.organiser)

    response = post_text(
        client, 'name,email,expertise\nLi Na,li@jury.example,"smart cities, smart living;E-health"\n'
    )

    assert response.status_code == 302
    li = db.session.scalar(select(Judge).where(Judge.email == "li@jury.example"))
    assert [c.name for c in li.expertise] == ["E-health", "Smart cities, smart living"]
