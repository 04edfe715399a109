"""The language picker: on every page, without JavaScript; the choice beats the browser, follows the user."""

from __future__ import annotations

import re

import pytest

from judging.extensions import db
from tests.factories import login

ENDONYMS = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "zh": "中文",
    "ru": "Русский",
}


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))[1]


def _cookie(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def test_every_page_offers_each_language_in_its_own_name(client, world):
    for user, url in ((None, "/"), (world.entrant_a, "/account"), (world.judge, "/judging/")):
        page = login(client, user).get(url).get_data(as_text=True)
        form = page[page.index('<form method="post" action="/language"') :]
        form = form[: form.index("</form>")]
        assert '<select id="language-picker" name="lang"' in form
        assert '<label for="language-picker">Language</label>' in form
        assert '<button type="submit"' in form  # works without JavaScript
        assert f'name="next" value="{url}"' in form
        for code, name in ENDONYMS.items():
            direction = "rtl" if code == "ar" else "ltr"
            assert f'<option value="{code}" lang="{code}" dir="{direction}"' in form
            assert f">{name}</option>" in form


def test_the_current_language_is_selected(client, world):
    page = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<option value="es" lang="es" dir="ltr" selected>' in page
    assert '<option value="en" lang="en" dir="ltr">' in page


def test_an_anonymous_choice_is_kept_a_year_and_beats_the_browser(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", False)  # a site served over plain http
    response = client.post("/language", data={"lang": "fr", "next": "/challenges/sme-awards?tab=rules"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/challenges/sme-awards?tab=rules"
    cookie = _cookie(response, "lang")
    assert cookie.startswith("lang=fr;")
    assert "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert "Secure" not in cookie
    assert _html_lang(client.get("/", headers={"Accept-Language": "ru"})) == "fr"


def test_the_cookie_is_secure_over_https(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", False)
    response = client.post("/language", data={"lang": "ar", "next": "/"}, base_url="https://localhost")
    assert "Secure" in _cookie(response, "lang")


def test_the_cookie_is_secure_when_the_site_is_on_https(client, world, app):
    assert app.config["BASE_URL"].startswith("https://")
    response = client.post("/language", data={"lang": "ar", "next": "/"})
    assert "Secure" in _cookie(response, "lang")


def test_a_signed_in_choice_is_saved_to_the_profile_and_follows_the_user(client, world, app):
    login(client, world.entrant_a)
    response = client.post("/language", data={"lang": "ar", "next": "/account"})

    assert response.headers["Location"] == "/account"
    db.session.expire_all()
    assert world.entrant_a.language == "ar"
    other_device = app.test_client()
    login(other_device, world.entrant_a)
    page = other_device.get("/account", headers={"Accept-Language": "en"})
    assert _html_lang(page) == "ar"
    assert '<html lang="ar" dir="rtl">' in page.get_data(as_text=True)


def test_an_unknown_language_goes_back_with_a_message(client, world):
    login(client, world.entrant_a)
    before = world.entrant_a.language
    response = client.post("/language", data={"lang": "xx", "next": "/account"})

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert not any(h.startswith("lang=") for h in response.headers.getlist("Set-Cookie"))
    page = client.get("/account").get_data(as_text=True)
    assert "Choose a language from the list." in page
    db.session.expire_all()
    assert world.entrant_a.language == before


def test_next_must_be_a_page_of_this_site(client, world):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.post("/language", data={"lang": "es", "next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target


def test_without_next_it_goes_back_to_the_referring_page_of_this_site(client, world):
    back = client.post(
        "/language", data={"lang": "es"}, headers={"Referer": "http://localhost/challenges/sme-awards"}
    )
    assert back.headers["Location"] == "/challenges/sme-awards"
    away = client.post("/language", data={"lang": "es"}, headers={"Referer": "https://evil.example/x"})
    assert away.headers["Location"] == "/"


def test_a_signed_in_choice_needs_the_form_token(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login(client, world.entrant_a)
    refused = client.post("/language", data={"lang": "fr", "next": "/"})
    assert refused.status_code == 400
    assert not any(h.startswith("lang=") for h in refused.headers.getlist("Set-Cookie"))
    db.session.expire_all()
    assert world.entrant_a.language != "fr"

    page = client.get("/").get_data(as_text=True)
    token = re.search(r'action="/language".*?name="csrf_token" value="([^"]+)"', page, re.S)[1]
    accepted = client.post("/language", data={"lang": "fr", "next": "/", "csrf_token": token})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert world.entrant_a.language == "fr"


def test_a_visitor_needs_no_session_to_choose(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/")
    assert 'action="/language"' in page.get_data(as_text=True)
    assert "csrf_token" not in page.get_data(as_text=True)
    assert not any(h.startswith("session=") for h in page.headers.getlist("Set-Cookie"))

    chosen = client.post("/language", data={"lang": "zh", "next": "/"})
    assert chosen.status_code == 302
    assert _cookie(chosen, "lang").startswith("lang=zh;")


def test_an_error_page_does_not_echo_its_address_in_the_picker(client, world):
    page = client.get("/challenges/no-such-challenge-with-a-long-name").get_data(as_text=True)
    assert 'action="/language"' in page
    assert "no-such-challenge" not in page


@pytest.mark.parametrize("role", ["anonymous", "entrant_a", "judge", "organiser", "admin"])
def test_every_role_can_choose_and_keeps_the_choice(client, world, role):
    user = world.user(role)
    login(client, user)
    response = client.post("/language", data={"lang": "ru", "next": "/"})

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _cookie(response, "lang").startswith("lang=ru;")
    assert _html_lang(client.get("/", headers={"Accept-Language": "es"})) == "ru"
    if user is not None:
        db.session.expire_all()
        assert user.language == "ru"
