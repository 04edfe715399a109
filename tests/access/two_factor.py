"""Who may use the two-factor sign-in pages.

Decisions recorded here:
- The second sign-in step is for someone who has just passed the password step: without one, visitors
  are sent to the sign-in page (GET and POST alike), and signed-in users on to their entries (302).
- The profile's two-factor pages are for every signed-in user, about their own account only. Turning it
  off or making new recovery codes without two-factor sign-in on leads back (302) to the status page;
  with it on, a form without a code is shown again with its errors (200).
"""

from __future__ import annotations

import pyotp

from judging.database import utcnow
from judging.extensions import db
from tests.access.rules import LOGIN, Rule, every, signed_in
from tests.factories import ROLES


def _all_with_two_factor(world, path: str) -> str:
    """Turn two-factor sign-in on for every user of the world (sessions stay valid), then ``path``."""
    for role in ROLES:
        user = world.user(role)
        if user is not None:
            user.totp_secret = pyotp.random_base32()
            user.two_factor_enabled_at = utcnow()
    db.session.commit()
    return path


RULES = [
    Rule("accounts.two_factor_sign_in", "GET", lambda w: "/login/two-factor", every(302, anonymous=LOGIN)),
    Rule(
        "accounts.two_factor_sign_in",
        "POST",
        lambda w: "/login/two-factor",
        every(302, anonymous=LOGIN),
        data=lambda w: {"code": "123456"},
    ),
    Rule("accounts.two_factor", "GET", lambda w: "/account/two-factor", signed_in(200)),
    Rule(
        "accounts.two_factor",
        "GET",
        lambda w: _all_with_two_factor(w, "/account/two-factor"),
        signed_in(200),
        note="-on",
    ),
    Rule("accounts.two_factor_setup", "GET", lambda w: "/account/two-factor/setup", signed_in(200)),
    Rule(
        "accounts.two_factor_setup",
        "GET",
        lambda w: _all_with_two_factor(w, "/account/two-factor/setup"),
        signed_in(302),
        note="-already-on",
    ),
    Rule(
        "accounts.two_factor_setup",
        "POST",
        lambda w: "/account/two-factor/setup",
        signed_in(200),
        note="-empty",
    ),
    Rule("accounts.disable_two_factor", "POST", lambda w: "/account/two-factor/disable", signed_in(302)),
    Rule(
        "accounts.disable_two_factor",
        "POST",
        lambda w: _all_with_two_factor(w, "/account/two-factor/disable"),
        signed_in(200),
        note="-on-empty",
    ),
    Rule(
        "accounts.regenerate_recovery_codes",
        "POST",
        lambda w: "/account/two-factor/recovery-codes",
        signed_in(302),
    ),
    Rule(
        "accounts.regenerate_recovery_codes",
        "POST",
        lambda w: _all_with_two_factor(w, "/account/two-factor/recovery-codes"),
        signed_in(200),
        note="-on-empty",
    ),
]
