"""Organisers create and edit challenges: details, times in the challenge's zone, eligibility, organisers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from judging.audit import AuditEvent
from judging.challenges.models import Challenge, ChallengeKind
from judging.core.lifecycle import ChallengeStatus
from judging.extensions import db
from tests.factories import csrf_token_in, login, make_user


def edit_data(**overrides) -> dict[str, object]:
    """A complete, valid edit form for the world's ``sme-awards`` challenge."""
    data = {
        "title": "Digital SME Awards",
        "slug": "sme-awards",
        "kind": "award",
        "summary": "For digital small businesses.",
        "description": "Open to **small** businesses.",
        "rules": "",
        "timezone": "Europe/Paris",
        "opens_at": "2027-01-10T09:00",
        "closes_at": "2027-03-01T00:00",
        "max_employees": "",
        "max_entries_per_organisation": "",
    }
    data.update(overrides)
    return data


def audit_rows(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )


# Creating ---------------------------------------------------------------------------------------------


def test_new_challenge_admin_creates_a_draft_with_a_slug_from_the_title(client, world):
    login(client, world.admin)

    response = client.post(
        "/manage/new",
        data={
            "title": "Prix de l'Innovation Numérique",
            "slug": "",
            "kind": "award",
            "timezone": "Europe/Paris",
            "organisers": "organiser@example.org\nOTHER.ORGANISER@example.org\n",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/prix-de-l-innovation-numerique/edit"
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == "prix-de-l-innovation-numerique"))
    assert challenge.status is ChallengeStatus.DRAFT
    assert challenge.kind is ChallengeKind.AWARD
    assert challenge.timezone == "Europe/Paris"
    assert {user.email for user in challenge.organisers} == {
        "organiser@example.org",
        "other.organiser@example.org",
    }
    (event,) = audit_rows("challenge.create")
    assert (event.actor_id, event.challenge_id) == (world.admin.id, challenge.id)
    assert event.after["organisers"] == ["organiser@example.org", "other.organiser@example.org"]


def test_new_challenge_appears_in_the_named_organisers_list(client, world):
    login(client, world.admin)
    client.post(
        "/manage/new",
        data={
            "title": "Women in Tech Prize",
            "kind": "award",
            "timezone": "UTC",
            "organisers": "b@beta.example",
        },
    )
    login(client, world.entrant_b)

    html = client.get("/manage/").get_data(as_text=True)

    assert "Women in Tech Prize" in html


def test_new_challenge_unknown_organiser_emails_are_listed_and_typing_kept(client, world):
    login(client, world.admin)

    response = client.post(
        "/manage/new",
        data={
            "title": "Green Prize",
            "slug": "green",
            "kind": "challenge",
            "timezone": "UTC",
            "organisers": "organiser@example.org\nghost@example.org\nnobody@example.org",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No account uses: ghost@example.org, nobody@example.org" in html
    assert 'value="Green Prize"' in html
    assert "ghost@example.org\nnobody@example.org" in html
    assert db.session.scalar(select(Challenge).where(Challenge.slug == "green")) is None


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("sme-awards", "Another challenge already uses this web address."),
        ("SME Awards!", "Use lowercase letters a-z, digits and single hyphens only."),
        ("double--hyphen", "Use lowercase letters a-z, digits and single hyphens only."),
        ("new", "This web address is reserved; choose another."),
        ("invitation", "This web address is reserved; choose another."),
    ],
)
def test_new_challenge_bad_or_taken_slug_is_refused_on_the_field(client, world, slug, message):
    login(client, world.admin)

    response = client.post(
        "/manage/new", data={"title": "Another call", "slug": slug, "kind": "award", "timezone": "UTC"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="error" id="slug-error">{message}</p>' in html
    assert db.session.scalar(select(Challenge).where(Challenge.title == "Another call")) is None


def test_new_challenge_non_latin_title_needs_a_typed_slug(client, world):
    login(client, world.admin)

    response = client.post(
        "/manage/new", data={"title": "数字创新奖", "kind": "award", "timezone": "Asia/Shanghai"}
    )

    assert "The title gives no usable web address; type one." in response.get_data(as_text=True)
    assert 'value="数字创新奖"' in response.get_data(as_text=True)


def test_new_challenge_is_not_offered_to_organisers(client, world):
    login(client, world.organiser)

    assert client.get("/manage/new").status_code == 404
    assert "New challenge" not in client.get("/manage/").get_data(as_text=True)


# The organisers' list ------------------------------------------------------------------------------


def test_manage_index_lists_only_the_organisers_challenges_with_entry_counts(client, world):
    login(client, world.organiser)

    html = client.get("/manage/").get_data(as_text=True)

    assert "Digital SME Awards" in html
    assert "Unpublished Call" in html
    assert "Innovation Challenge" not in html
    row = html[html.index("Digital SME Awards") : html.index("</tr>", html.index("Digital SME Awards"))]
    assert "<td>2</td>" in row  # two submitted entries
    assert "<td>1</td>" in row  # one draft


def test_manage_index_admin_sees_every_challenge_and_the_new_button(client, world):
    login(client, world.admin)

    html = client.get("/manage/").get_data(as_text=True)

    assert all(title in html for title in ("Digital SME Awards", "Innovation Challenge", "Unpublished Call"))
    assert 'href="/manage/new"' in html


# Editing details and times --------------------------------------------------------------------------


def test_edit_times_are_read_in_the_challenge_zone_and_stored_in_utc(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/edit", data=edit_data())

    assert response.status_code == 302
    db.session.refresh(world.challenge)
    assert world.challenge.opens_at == datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
    assert world.challenge.closes_at == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    form = client.get("/manage/sme-awards/edit").get_data(as_text=True)
    assert 'value="2027-03-01T00:00"' in form


def test_edit_summer_time_deadline_uses_the_summer_offset(client, world):
    login(client, world.organiser)

    client.post("/manage/sme-awards/edit", data=edit_data(closes_at="2027-07-01T00:00"))

    db.session.refresh(world.challenge)
    assert world.challenge.closes_at == datetime(2027, 6, 30, 22, 0, tzinfo=UTC)


def test_edit_closing_before_opening_is_refused_and_typing_kept(client, world):
    login(client, world.organiser)
    before = world.challenge.closes_at

    response = client.post(
        "/manage/sme-awards/edit",
        data=edit_data(opens_at="2027-03-01T00:00", closes_at="2027-01-10T09:00", title="Renamed"),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The closing time must be after the opening time." in html
    assert 'value="2027-01-10T09:00"' in html
    assert 'value="Renamed"' in html
    db.session.refresh(world.challenge)
    assert (world.challenge.title, world.challenge.closes_at) == ("Digital SME Awards", before)


def test_edit_local_time_skipped_by_the_clocks_going_forward_is_refused(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/edit", data=edit_data(closes_at="2027-03-28T02:30"))

    html = response.get_data(as_text=True)
    assert '<p class="error" id="closes_at-error">This time does not exist in Europe/Paris' in html
    assert 'value="2027-03-28T02:30"' in html


def test_edit_local_time_repeated_by_the_clocks_going_back_is_refused(client, world):
    login(client, world.organiser)

    response = client.post(
        "/manage/sme-awards/edit", data=edit_data(opens_at="2027-10-31T02:30", closes_at="")
    )

    assert "This time happens twice in Europe/Paris" in response.get_data(as_text=True)


def test_edit_malformed_time_is_a_field_error(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/edit", data=edit_data(closes_at="next tuesday"))

    html = response.get_data(as_text=True)
    assert 'id="closes_at-error"' in html
    assert 'value="next tuesday"' in html


def test_edit_slug_taken_by_another_challenge_is_refused(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/edit", data=edit_data(slug="innovation"))

    assert "Another challenge already uses this web address." in response.get_data(as_text=True)
    assert db.session.scalar(select(Challenge.slug).where(Challenge.id == world.challenge.id)) == "sme-awards"


def test_edit_eligibility_policy_is_saved(client, world):
    login(client, world.organiser)

    client.post(
        "/manage/sme-awards/edit",
        data=edit_data(max_employees="250", max_entries_per_organisation="2", allowed_countries=["NG", "KE"]),
    )

    db.session.refresh(world.challenge)
    assert world.challenge.max_employees == 250
    assert world.challenge.max_entries_per_organisation == 2
    assert world.challenge.allowed_countries == ["KE", "NG"]


def test_edit_unknown_country_is_refused(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/edit", data=edit_data(allowed_countries=["XX"]))

    assert 'id="allowed_countries-error"' in response.get_data(as_text=True)


def test_edit_is_audited_with_the_changed_fields_only(client, world):
    login(client, world.organiser)

    client.post("/manage/sme-awards/edit", data=edit_data(title="Digital SME Awards 2027"))

    (event,) = audit_rows("challenge.update")
    assert event.actor_id == world.organiser.id
    assert event.before["title"] == "Digital SME Awards"
    assert event.after["title"] == "Digital SME Awards 2027"
    assert event.after["closes_at"] == "2027-02-28T23:00:00+00:00"
    assert "kind" not in event.after


def test_edit_renaming_the_slug_moves_the_pages(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/edit", data=edit_data(slug="sme-awards-2027"))

    assert response.headers["Location"] == "/manage/sme-awards-2027/"
    assert client.get("/challenges/sme-awards-2027").status_code == 200
    assert client.get("/challenges/sme-awards").status_code == 404


# Organisers -----------------------------------------------------------------------------------------


def test_organisers_admin_adds_and_removes_an_organiser(client, world):
    colleague = make_user("colleague@example.org", name="Chidi Colleague")
    login(client, world.admin)

    client.post("/manage/sme-awards/organisers", data={"email": "Colleague@Example.org"})
    assert colleague in world.challenge.organisers
    client.post(f"/manage/sme-awards/organisers/{world.organiser.id}/remove")

    db.session.refresh(world.challenge)
    assert [user.email for user in world.challenge.organisers] == ["colleague@example.org"]
    assert [event.after for event in audit_rows("organiser.add")] == [{"organiser": "colleague@example.org"}]
    assert [event.before for event in audit_rows("organiser.remove")] == [
        {"organiser": "organiser@example.org"}
    ]


def test_organisers_unknown_email_is_a_field_error(client, world):
    login(client, world.admin)

    response = client.post("/manage/sme-awards/organisers", data={"email": "ghost@example.org"})

    assert '<p class="error" id="email-error">No account uses: ghost@example.org</p>' in response.get_data(
        as_text=True
    )


def test_organisers_page_is_for_administrators_only(client, world):
    login(client, world.organiser)

    assert client.get("/manage/sme-awards/organisers").status_code == 404
    assert "/manage/sme-awards/organisers" not in client.get("/manage/sme-awards/").get_data(as_text=True)


def test_removed_organiser_loses_access(client, world):
    login(client, world.admin)
    client.post(f"/manage/sme-awards/organisers/{world.organiser.id}/remove")
    login(client, world.organiser)

    assert client.get("/manage/sme-awards/").status_code == 404


# Someone else's challenge ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/edit",
        "/categories",
        "/questions",
        "/questions/new",
        "/organisers",
    ],
)
def test_other_organiser_gets_404_on_every_page_of_this_challenge(client, world, path):
    login(client, world.other_organiser)

    assert client.get(f"/manage/sme-awards{path}").status_code == 404


def test_other_organiser_cannot_change_anything_of_this_challenge(client, world):
    login(client, world.other_organiser)
    category = world.challenge.categories[1]

    responses = [
        client.post("/manage/sme-awards/edit", data=edit_data(title="Hijacked")),
        client.post("/manage/sme-awards/status", data={"status": "closed"}),
        client.post("/manage/sme-awards/categories", data={"name": "Hijack"}),
        client.post(f"/manage/sme-awards/categories/{category.id}/delete"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    db.session.refresh(world.challenge)
    assert world.challenge.title == "Digital SME Awards"
    assert [cat.name for cat in world.challenge.categories] == ["Connectivity", "E-health"]
    assert db.session.scalars(select(AuditEvent)).all() == []


# Nothing typed is lost to an ended session ------------------------------------------------------------

LONG_DESCRIPTION = "An afternoon of writing: who may enter, what judges look for & <why> it matters."


def test_edit_with_an_expired_token_shows_the_form_again_as_typed(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        login(client, world.organiser)
        data = edit_data(description=LONG_DESCRIPTION, title="Renamed", csrf_token="expired-or-forged")

        answer = client.post("/manage/sme-awards/edit", data=data)

        page = answer.get_data(as_text=True)
        assert answer.status_code == 400
        assert "Your form expired, so nothing was saved yet." in page
        assert "what judges look for &amp; &lt;why&gt; it matters." in page and 'value="Renamed"' in page
        db.session.refresh(world.challenge)
        assert world.challenge.title == "Digital SME Awards"

        again = client.post("/manage/sme-awards/edit", data={**data, "csrf_token": csrf_token_in(page)})
        assert again.status_code == 302
        db.session.refresh(world.challenge)
        assert (world.challenge.title, world.challenge.description) == ("Renamed", LONG_DESCRIPTION)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_edit_while_signed_out_keeps_the_typed_texts_and_offers_sign_in(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        data = edit_data(description=LONG_DESCRIPTION, csrf_token="from-the-lost-session")

        answer = client.post("/manage/sme-awards/edit", data=data)  # nobody signed in any more

        page = answer.get_data(as_text=True)
        assert answer.status_code == 401
        assert 'target="_blank"' in page and "/login" in page
        assert '<label for="description">Description</label>' in page
        assert "what judges look for &amp; &lt;why&gt; it matters." in page
        assert 'name="opens_at" value="2027-01-10T09:00"' in page  # the rest travels hidden
        assert 'action="/manage/sme-awards/edit"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
