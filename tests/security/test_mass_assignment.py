"""Mass assignment: extra fields posted with the main forms never change anything the form does not offer.

Each test reads the form as the page shows it, changes one field the form offers (so the post is known to
be accepted), adds fields an attacker would try (status, owner, organisation_id, score, role, is_admin,
user_id, submission_id, version...), and compares every column of the rows involved before and after:
only the offered change, and the bookkeeping that goes with it, may differ.
"""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import inspect, select

from judging.accounts.models import Organisation, User
from judging.assignments.models import Judge
from judging.challenges.models import Challenge
from judging.extensions import db
from judging.scoring.models import ScoreSheet
from judging.submissions.models import Submission
from tests.factories import login

BOOKKEEPING = {"updated_at", "version", "last_seen_at", "password_changed_at", "profile_confirmed_at"}


def extras(world) -> dict[str, str]:
    """What an attacker adds: ids of other people's rows, privileged flags, states and marks."""
    return {
        "status": "published", "owner": str(world.entrant_b.id), "owner_id": str(world.entrant_b.id),
        "organisation_id": str(world.organisation_b.id), "organisation": str(world.organisation_b.id),
        "score": "5", "total": "99", "role": "admin", "is_admin": "y", "admin": "1",
        "user_id": str(world.admin.id), "submission_id": str(world.submission_b.id),
        "assignment_id": str(world.assignment_b.id), "judge_id": str(world.conflicted_membership.id),
        "challenge_id": str(world.other_challenge.id), "id": "999", "email": "attacker@evil.example",
        "email_verified_at": "2020-01-01", "slug": "hijacked", "terms_accepted_at": "", "capacity_used": "0",
        "submitted_at": "2020-01-01", "category_id": str(world.challenge.categories[1].id),
        "password_hash": "x", "normalised_name": "x", "published_at": "2020-01-01", "version": "99",
    }  # fmt: skip


class FormReader(HTMLParser):
    """The fields of the form posting to ``action``, with the values a browser would send."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields, self._select, self._textarea = action, False, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action", self.action) == self.action
        elif not self.inside:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields.pop()
            self.fields.append((name, value + data))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        self._select = None if tag == "select" else self._select
        self._textarea = None if tag == "textarea" else self._textarea


def shown_form(client, page: str, action: str | None = None) -> dict[str, list[str]]:
    reader = FormReader(action or page)
    reader.feed(client.get(page).get_data(as_text=True))
    form: dict[str, list[str]] = {}
    for name, value in reader.fields:
        # A browser drops the one line break that follows <textarea>.
        form.setdefault(name, []).append(value.removeprefix("\r\n").removeprefix("\n"))
    assert form, f"no form posting to {action or page}"
    return form


def post(client, url: str, form: dict[str, list[str]], extra: dict[str, str], **changed: str):
    data = {**extra, **form, **{name: [value] for name, value in changed.items()}}
    return client.post(url, data=data)


def columns(row) -> dict[str, object]:
    db.session.refresh(row)
    return {attr.key: getattr(row, attr.key) for attr in inspect(type(row)).mapper.column_attrs}


def changed(before: dict, after: dict) -> set[str]:
    return {key for key in before if before[key] != after[key]} - BOOKKEEPING


def snapshot(*rows) -> list[dict]:
    return [columns(row) for row in rows]


def differences(rows, before: list[dict]) -> list[set[str]]:
    return [changed(old, new) for old, new in zip(before, snapshot(*rows), strict=True)]


def test_registration_ignores_extra_fields(client, world):
    form = {"name": "Mallory", "email": "mallory@example.org", "password": "a long and happy passphrase"}
    form |= {"confirm": form["password"], "country": "KE", "language": "en"}

    response = client.post("/register", data={**extras(world), **form})

    user = db.session.scalar(select(User).where(User.email == "mallory@example.org"))
    assert response.status_code == 302
    assert (user.is_admin, user.organisation_id, user.email_verified_at) == (False, None, None)


def test_profile_changes_only_the_profile(client, world):
    login(client, world.entrant_a)
    rows = (world.entrant_a, world.entrant_b, world.admin, world.organisation_a)
    before = snapshot(*rows)

    response = post(client, "/account", shown_form(client, "/account"), extras(world), name="Amina A.")

    assert response.status_code == 302
    assert differences(rows, before) == [{"name"}, set(), set(), set()]


def test_organisation_form_changes_only_the_organisation_details(client, world):
    world.organisation_a.sector = "ict"  # a code of the form's list, as the form stores it
    db.session.commit()
    login(client, world.entrant_a)
    rows = (world.organisation_a, world.organisation_b, world.entrant_a, world.entrant_b)
    before = snapshot(*rows)
    form = shown_form(client, "/organisation/edit")

    response = post(client, "/organisation/edit", form, extras(world), employees="13")

    assert response.status_code == 302
    assert differences(rows, before) == [{"employees"}, set(), set(), set()]


def test_entry_form_changes_only_the_answers(client, world):
    login(client, world.entrant_a)
    url = f"/entries/{world.draft_a.id}/edit"
    rows = (world.draft_a, world.submission_a, world.submission_b)
    before = snapshot(*rows)

    response = post(client, url, shown_form(client, url), extras(world), title="Renamed", action="save")

    assert response.status_code == 302
    assert differences(rows, before) == [{"title"}, set(), set()]


def test_score_sheet_changes_only_the_judges_own_marks(client, world):
    login(client, world.judge)
    url = f"/judging/sme-awards/entries/{world.assignment_a.id}/score"
    form = shown_form(client, url)
    marks = {f"mark-{criterion.id}": "4" for criterion in world.criteria[:2]}
    rows = (world.assignment_a, world.assignment_b, world.judge_membership)
    before = snapshot(*rows)

    response = post(client, url, form, extras(world), action="save", feedback="Clear plan.", **marks)

    assert response.status_code in (302, 303)
    sheets = db.session.scalars(select(ScoreSheet)).all()
    assert [(s.assignment_id, s.status.value, s.feedback) for s in sheets] == [
        (world.assignment_a.id, "draft", "Clear plan.")
    ]
    assert sorted(score.value for score in sheets[0].scores if score.value is not None) == [4, 4]
    assert differences(rows, before) == [set(), set(), set()]


def test_judge_profile_changes_only_what_the_judge_may_confirm(client, world):
    login(client, world.judge)
    url = "/judging/sme-awards/profile"
    rows = (world.judge_membership, world.conflicted_membership, world.judge)
    before = snapshot(*rows)

    response = post(client, url, shown_form(client, url), extras(world), affiliation="Strathmore")

    assert response.status_code == 302
    assert differences(rows, before) == [{"affiliation"}, set(), set()]
    assert db.session.get(Judge, world.judge_membership.id).user_id == world.judge.id


def test_challenge_settings_change_only_the_settings(client, world):
    for name in ("opens_at", "closes_at"):  # the form shows whole minutes
        setattr(world.challenge, name, getattr(world.challenge, name).replace(second=0, microsecond=0))
    db.session.commit()
    login(client, world.organiser)
    url = "/manage/sme-awards/edit"
    rows = (world.challenge, world.other_challenge, world.organiser)
    before = snapshot(*rows)

    response = post(client, url, shown_form(client, url), extras(world), summary="A call for SMEs.")

    assert response.status_code == 302
    assert differences(rows, before) == [{"summary"}, set(), set()]
    assert [u.id for u in db.session.get(Challenge, world.challenge.id).organisers] == [world.organiser.id]
    assert db.session.get(Organisation, world.organisation_b.id).name == "Beta Health"
    assert db.session.get(Submission, world.submission_b.id).organisation_id == world.organisation_b.id
