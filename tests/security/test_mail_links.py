"""Links in mail are built from BASE_URL, whatever Host or forwarding headers a request carries.

A forged ``Host: evil.example`` (with ``X-Forwarded-Host`` and friends) on a password-reset request would
otherwise mail the victim a link to the attacker's site, carrying a valid reset token. Every mail that a
request sends (reset, confirmation, the note to an address's holder, a change of address, a colleague's
and a judge's invitation) is checked, both directly and behind a proxy the platform is told to trust
(``PROXY_COUNT``), where werkzeug's ProxyFix does read ``X-Forwarded-Host``.
"""

from __future__ import annotations

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.accounts.helpers import BASE_URL
from tests.factories import PASSWORD, links_in, mail_body

FORGED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "http",
    "X-Forwarded-Server": "evil.example",
    "X-Host": "evil.example",
    "X-Original-Host": "evil.example",
    "Forwarded": "for=192.0.2.1;host=evil.example;proto=http",
}

AT_EVIL = {"base_url": "http://evil.example", "headers": FORGED}


def sign_in_at_evil(client, user) -> None:
    """Sign ``user`` in with a session cookie for the forged host (as tests.factories.login does)."""
    with client.session_transaction(base_url="http://evil.example") as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def forgot(client, world):
    return client.post("/password/forgot", data={"email": "a@alpha.example"}, **AT_EVIL)


def register_new(client, world):
    data = {"name": "Mallory", "email": "new@alpha.example", "password": "a long and happy passphrase"}
    data |= {"confirm": data["password"], "country": "KE", "language": "en"}
    return client.post("/register", data=data, **AT_EVIL)


def register_taken(client, world):
    data = {"name": "Mallory", "email": "a@alpha.example", "password": "a long and happy passphrase"}
    data |= {"confirm": data["password"], "country": "KE", "language": "en"}
    return client.post("/register", data=data, **AT_EVIL)


def change_address(client, world):
    sign_in_at_evil(client, world.entrant_a)
    data = {"email": "amina@alpha.example", "password": PASSWORD}
    return client.post("/account/email", data=data, **AT_EVIL)


def invite_colleague(client, world):
    sign_in_at_evil(client, world.entrant_a)
    return client.post("/organisation/invite", data={"email": "colleague@alpha.example"}, **AT_EVIL)


def invite_judge(client, world):
    sign_in_at_evil(client, world.organiser)
    data = {"name": "Jo Juror", "email": "jo@jury.example", "languages": "en", "capacity": "10"}
    data |= {"expertise": str(world.challenge.categories[0].id)}
    return client.post("/manage/sme-awards/jury/invite", data=data, **AT_EVIL)


FLOWS = [forgot, register_new, register_taken, change_address, invite_colleague, invite_judge]


@pytest.fixture(params=["direct", "behind a trusted proxy"])
def proxied(request, app, monkeypatch):
    if request.param != "direct":
        monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    return request.param


@pytest.mark.parametrize("flow", FLOWS, ids=[flow.__name__ for flow in FLOWS])
def test_mailed_links_point_at_the_base_url_despite_a_forged_host(client, world, outbox, proxied, flow):
    response = flow(client, world)

    assert response.status_code in (302, 303)
    messages = outbox()
    assert messages, "the request sent no mail"
    links = [link for message in messages for link in links_in(message)]
    assert links
    assert [link for link in links if not link.startswith(BASE_URL + "/")] == []
    assert [m["To"] for m in messages if "evil.example" in m.as_string() + mail_body(m)] == []
