"""Account enumeration: nobody can tell from the answers whether an address has an account.

Signing in with an unknown address and with a known one and a wrong password, asking for a password reset
for an unknown and a known address, and registering a new and a taken address each give the same status,
the same redirect and the same page (once the form's token and the typed values are taken out). Timing is
not measured here (no timed assertions in tests): both paths must instead run the slow password hash the
same number of times, and mail goes only where it should.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from judging.accounts import passwords
from judging.extensions import db
from judging.jobs import Job, JobStatus
from tests.accounts.helpers import register, sign_in
from tests.factories import PASSWORD

KNOWN, UNKNOWN = "a@alpha.example", "nobody@alpha.example"


class CountingHasher:
    """Wraps the Argon2 hasher and counts each call to ``hash`` and ``verify``."""

    def __init__(self, hasher) -> None:
        self.hasher, self.calls = hasher, Counter()

    def hash(self, password, **kwargs):
        self.calls["hash"] += 1
        return self.hasher.hash(password, **kwargs)

    def verify(self, password_hash, password):
        self.calls["verify"] += 1
        return self.hasher.verify(password_hash, password)

    def check_needs_rehash(self, password_hash):
        return self.hasher.check_needs_rehash(password_hash)


@pytest.fixture
def hashing(monkeypatch) -> CountingHasher:
    spy = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", spy)
    return spy


def seen(response, *typed: str) -> tuple[int, str | None, str]:
    """Status, redirect and page of a response, without the form token, the session's varying parts and
    what the visitor typed."""
    page = response.get_data(as_text=True)
    page = re.sub(r'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*"[^>]*name="csrf_token"', "TOKEN", page)
    page = re.sub(r'<meta name="csrf-token"[^>]*>', "TOKEN", page)
    for value in typed:
        page = page.replace(value, "TYPED")
    return response.status_code, response.headers.get("Location"), page


def attempt(app, hashing, action) -> tuple[tuple, Counter, object]:
    """Run ``action`` on a fresh client; its answer (and the page it leads to), the hash calls made."""
    hashing.calls.clear()
    client = app.test_client()
    response = action(client)
    calls = Counter(hashing.calls)
    followed = client.get(response.headers["Location"]) if response.status_code in (302, 303) else None
    return seen(response), calls, followed


def test_signing_in_with_an_unknown_address_looks_like_a_wrong_password(app, world, hashing, outbox):
    known, known_calls, _ = attempt(app, hashing, lambda c: sign_in(c, KNOWN, "a wrong password"))
    unknown, unknown_calls, _ = attempt(app, hashing, lambda c: sign_in(c, UNKNOWN, "a wrong password"))

    assert seen_without(known, KNOWN) == seen_without(unknown, UNKNOWN)
    assert known[0] == 200
    assert known_calls == unknown_calls == Counter(verify=1)
    assert outbox() == []


def seen_without(answer: tuple, typed: str) -> tuple:
    status, location, page = answer
    return status, location, page.replace(typed, "TYPED")


def test_asking_for_a_reset_looks_the_same_for_unknown_and_known_addresses(app, world, hashing, outbox):
    def ask(address):
        return lambda client: client.post("/password/forgot", data={"email": address})

    known, known_calls, known_next = attempt(app, hashing, ask(KNOWN))
    unknown, unknown_calls, unknown_next = attempt(app, hashing, ask(UNKNOWN))

    assert known == unknown
    assert known[0] in (302, 303)
    assert seen(known_next) == seen(unknown_next)
    assert known_calls == unknown_calls
    assert [message["To"] for message in outbox()] == [KNOWN]


def test_registering_a_taken_address_looks_like_registering_a_new_one(app, world, hashing, outbox):
    taken, taken_calls, _ = attempt(app, hashing, lambda c: register(c, email=KNOWN))
    new, new_calls, _ = attempt(app, hashing, lambda c: register(c, email="new@alpha.example"))

    assert taken == new
    assert taken[0] in (302, 303)
    assert taken_calls == new_calls == Counter(hash=1)
    assert [message["To"] for message in outbox()] == [KNOWN, "new@alpha.example"]


def test_the_page_after_registering_looks_the_same_for_taken_and_new_addresses(app, world, hashing):
    _taken, _calls, taken_next = attempt(app, hashing, lambda c: register(c, email=KNOWN))
    _new, _calls, new_next = attempt(app, hashing, lambda c: register(c, email="new@alpha.example"))

    assert seen(taken_next, KNOWN) == seen(new_next, "new@alpha.example")


def test_a_rejected_registration_looks_the_same_for_taken_and_new_addresses(app, world, hashing):
    def weak(address):
        return lambda client: register(client, email=address, password="short", confirm="short")

    taken, taken_calls, _ = attempt(app, hashing, weak(KNOWN))
    new, new_calls, _ = attempt(app, hashing, weak("new@alpha.example"))

    assert seen_without(taken, KNOWN) == seen_without(new, "new@alpha.example")
    assert taken[0] == 200
    assert taken_calls == new_calls


def test_the_sign_in_limit_locks_unknown_addresses_as_it_locks_known_ones(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per 15 minutes")

    def third_try(address: str) -> int:
        client = app.test_client()
        for _ in range(2):
            sign_in(client, address, "a wrong password")
        return sign_in(client, address, PASSWORD).status_code

    assert (third_try(KNOWN), third_try(UNKNOWN)) == (429, 429)


def test_a_reset_request_queues_the_same_job_for_unknown_and_known_addresses(app, world, outbox):
    for address in (KNOWN, UNKNOWN):
        app.test_client().post("/password/forgot", data={"email": address})

    jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
    assert [(job.kind, job.params) for job in jobs] == [
        ("mail", {"mail": "reset_password", "email": KNOWN}),
        ("mail", {"mail": "reset_password", "email": UNKNOWN}),
    ]  # the request never looks the address up: the job does, and the link's secret is not stored
    assert [job.result for job in jobs] == [{"sent": True}, {"sent": False}]
    assert [message["To"] for message in outbox()] == [KNOWN]


def test_a_mail_server_that_fails_fails_the_job_not_the_page(app, world, outbox, monkeypatch):
    from tests.ops.faults_kit import free_port

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    answers = [
        seen(app.test_client().post("/password/forgot", data={"email": address}))
        for address in (KNOWN, UNKNOWN)
    ]

    assert answers[0] == answers[1] and answers[0][0] in (302, 303)
    jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
    assert [job.status for job in jobs] == [JobStatus.FAILED, JobStatus.DONE]
    assert outbox() == []
