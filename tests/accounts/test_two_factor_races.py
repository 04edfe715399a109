"""Twenty browsers sending the same code at the same moment: exactly one is signed in.

Each thread has its own client, already past the password step, and the threads are released together
by a barrier so the second steps really overlap (on SQLite and on PostgreSQL).
"""

from __future__ import annotations

from collections import Counter

from judging import security
from judging.accounts.two_factor_views import PENDING
from judging.extensions import db
from judging.tokens import fingerprint
from tests.accounts.test_two_factor import next_code, turn_on
from tests.races import COPIES, race, statuses


def second_steps_at_once(app, user, code: str) -> Counter:
    """Send ``code`` as the second step of ``user`` from COPIES browsers at once; count the statuses."""
    pending = {
        "uid": user.id,
        "sessions": fingerprint(user.id, user.session_token),
        "at": int(security.now()),
        "next": "",
    }
    outcomes = race(app, "/login/two-factor", session={PENDING: pending}, data={"code": code})
    return statuses(outcomes)


def test_one_code_sent_twenty_times_at_once_signs_in_once(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_LIMIT", "1000 per minute")
    totp, _codes = turn_on(world.entrant_a)

    outcomes = second_steps_at_once(app, world.entrant_a, next_code(totp))

    assert outcomes == {302: 1, 200: COPIES - 1}


def test_one_recovery_code_sent_twenty_times_at_once_signs_in_once(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_LIMIT", "1000 per minute")
    _totp, codes = turn_on(world.entrant_a)

    outcomes = second_steps_at_once(app, world.entrant_a, codes[0])

    assert outcomes == {302: 1, 200: COPIES - 1}
    assert len(db.session.get(type(world.entrant_a), world.entrant_a.id).recovery_codes) == 9
