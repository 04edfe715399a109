"""Who may use the account and organisation pages.

Decisions recorded here:
- Signed-in users asking for the sign-in or registration page are sent on (302) to their entries.
- Mailed links (address confirmation, password reset, new address, invitation) with a forged or garbled
  token answer 400 for everyone, with a page that says the link cannot be used and how to get a new one.
  Such links need no sign-in, except accepting an invitation (POST), which sends anonymous visitors to
  sign in.
- A user without an organisation gets 404 from the pages that act on one (edit, invite, revoke); an
  invitation of another organisation is a 404 too. Users who have one are sent (302) from "new" to theirs.
- Logging out is POST only and harmless when nobody is signed in (302 to the home page).
"""

from __future__ import annotations

from judging.accounts.models import OrganisationInvitation
from judging.accounts.organisation_services import invitation_token
from judging.extensions import db
from tests.access.rules import LOGIN, Rule, every, signed_in

GARBAGE = "not-a-real-token"


def _invitation(world) -> OrganisationInvitation:
    """A pending invitation from organisation A (entrant_a's)."""
    invitation = OrganisationInvitation(
        organisation=world.organisation_a, email="colleague@alpha.example", invited_by_id=world.entrant_a.id
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def _join_url(world) -> str:
    return f"/organisation/join/{invitation_token(_invitation(world))}"


def _organisation_fields(world) -> dict:
    return {"name": "Gamma Robotics", "country": "GH", "employees": "8", "sector": "manufacturing"}


RULES = [
    Rule("accounts.login", "GET", lambda w: "/login", every(302, anonymous=200)),
    Rule(
        "accounts.login",
        "POST",
        lambda w: "/login",
        every(200),
        data=lambda w: {"email": "nobody@example.org", "password": "not the password"},
        note="-wrong-password",
    ),
    Rule("accounts.logout", "POST", lambda w: "/logout", every(302)),
    Rule("accounts.register", "GET", lambda w: "/register", every(302, anonymous=200)),
    Rule("accounts.register", "POST", lambda w: "/register", every(302, anonymous=200), note="-empty"),
    Rule("accounts.check_mail", "GET", lambda w: "/register/check-your-mail", every(200)),
    Rule("accounts.verify_email", "GET", lambda w: f"/account/verify/{GARBAGE}", every(400)),
    Rule("accounts.resend_verification", "POST", lambda w: "/account/resend-verification", signed_in(302)),
    Rule("accounts.forgot_password", "GET", lambda w: "/password/forgot", every(200)),
    Rule(
        "accounts.forgot_password",
        "POST",
        lambda w: "/password/forgot",
        every(302),
        data=lambda w: {"email": "nobody@example.org"},
    ),
    Rule("accounts.reset_password", "GET", lambda w: f"/password/reset/{GARBAGE}", every(400)),
    Rule("accounts.reset_password", "POST", lambda w: f"/password/reset/{GARBAGE}", every(400)),
    Rule("accounts.profile", "GET", lambda w: "/account", signed_in(200)),
    Rule(
        "accounts.profile",
        "POST",
        lambda w: "/account",
        signed_in(200),
        data=lambda w: {"name": "", "language": "en"},
        note="-blank-name",
    ),
    Rule("accounts.change_email", "GET", lambda w: "/account/email", signed_in(200)),
    Rule("accounts.change_email", "POST", lambda w: "/account/email", signed_in(200), note="-empty"),
    Rule("accounts.confirm_email", "GET", lambda w: f"/account/email/confirm/{GARBAGE}", every(400)),
    Rule("accounts.change_password", "GET", lambda w: "/account/password", signed_in(200)),
    Rule("accounts.change_password", "POST", lambda w: "/account/password", signed_in(200), note="-empty"),
    Rule("accounts.organisation", "GET", lambda w: "/organisation", signed_in(200)),
    Rule(
        "accounts.create_organisation",
        "GET",
        lambda w: "/organisation/new",
        signed_in(200, entrant_a=302, entrant_b=302),
    ),
    Rule(
        "accounts.create_organisation",
        "POST",
        lambda w: "/organisation/new",
        signed_in(302),
        data=_organisation_fields,
    ),
    Rule(
        "accounts.edit_organisation",
        "GET",
        lambda w: "/organisation/edit",
        signed_in(404, entrant_a=200, entrant_b=200),
    ),
    Rule(
        "accounts.edit_organisation",
        "POST",
        lambda w: "/organisation/edit",
        signed_in(404, entrant_a=302, entrant_b=302),
        data=_organisation_fields,
    ),
    Rule(
        "accounts.invite_member",
        "POST",
        lambda w: "/organisation/invite",
        signed_in(404, entrant_a=302, entrant_b=302),
        data=lambda w: {"email": "colleague@example.org"},
    ),
    Rule(
        "accounts.revoke_invitation",
        "POST",
        lambda w: f"/organisation/invitations/{_invitation(w).id}/revoke",
        signed_in(404, entrant_a=302),
        note="-organisation-a",
    ),
    Rule(
        "accounts.revoke_invitation",
        "POST",
        lambda w: "/organisation/invitations/999999/revoke",
        signed_in(404),
        note="-missing",
    ),
    Rule("accounts.join_organisation", "GET", lambda w: _join_url(w), every(200), note="-valid"),
    Rule("accounts.join_organisation", "GET", lambda w: f"/organisation/join/{GARBAGE}", every(400)),
    Rule(
        "accounts.join_organisation",
        "POST",
        lambda w: _join_url(w),
        every(302, anonymous=LOGIN),
        note="-valid",
    ),
    Rule("accounts.join_organisation", "POST", lambda w: f"/organisation/join/{GARBAGE}", every(400)),
]
