"""Organisation use cases: create and edit an entrant's organisation, invite colleagues, join through a link.

Every member may edit the organisation and invite or un-invite colleagues; a user belongs to at most one
organisation. Invitations are rows (``OrganisationInvitation``); the mailed link names the row, so revoking
(deleting the row) or accepting it (``accepted_at``) kills the link. Changes are audited.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from judging import audit
from judging.accounts.models import Organisation, OrganisationInvitation, User, user_by_email
from judging.accounts.services import LinkProblem, mail_link, normalise_email, read_link
from judging.core.text import normalise_name, word_count
from judging.database import begin_write, utcnow
from judging.errors import DomainError, NotAllowed
from judging.extensions import db
from judging.mail import queue_mail, send_template
from judging.templating import valid_country
from judging.tokens import fingerprint, make_token

INVITE = "organisation-invite"
DESCRIPTION_WORD_LIMIT = 150
FIRST_FOUNDING_YEAR = 1800
MAX_EMPLOYEES = 10_000_000

SECTORS: dict[str, object] = {
    "agriculture": _l("Agriculture and food"),
    "clean-energy": _l("Energy and clean technology"),
    "construction": _l("Construction and real estate"),
    "creative": _l("Creative industries and media"),
    "education": _l("Education"),
    "finance": _l("Financial services"),
    "health": _l("Health and life sciences"),
    "ict": _l("Information and communication technology"),
    "manufacturing": _l("Manufacturing"),
    "mobility": _l("Transport and logistics"),
    "public": _l("Public sector and non-profit"),
    "retail": _l("Retail and e-commerce"),
    "tourism": _l("Tourism and hospitality"),
    "water": _l("Water and environment"),
    "other": _l("Other"),
}


def sector_label(code: str | None) -> str:
    """The reader-language name of a sector code (the stored text itself when it is not a known code)."""
    if not code:
        return ""
    return str(SECTORS.get(code.lower(), code))


@dataclass(frozen=True)
class OrganisationDetails:
    """What a member fills in about the organisation."""

    name: str
    country: str
    employees: int
    sector: str
    website: str | None = None
    founded_year: int | None = None
    description: str | None = None


def website_problem(url: str) -> str | None:
    """Why ``url`` is not an acceptable web address (http or https with a host name), or None."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or any(ch.isspace() for ch in url):
        return _("Enter a web address starting with http:// or https://, such as https://example.org.")
    return None


def check_details(details: OrganisationDetails) -> None:
    """Refuse details that break a rule, naming the field (forms check the same things first)."""
    if not details.name.strip():
        raise DomainError(_("Enter the organisation's legal name."), "name")
    if not valid_country(details.country):
        raise DomainError(_("Choose a country from the list."), "country")
    if not 1 <= details.employees <= MAX_EMPLOYEES:
        raise DomainError(_("Enter the number of employees (at least 1)."), "employees")
    if details.sector not in SECTORS:
        raise DomainError(_("Choose a sector from the list."), "sector")
    if details.website and (problem := website_problem(details.website)):
        raise DomainError(problem, "website")
    this_year = utcnow().year
    if details.founded_year is not None and not FIRST_FOUNDING_YEAR <= details.founded_year <= this_year:
        raise DomainError(
            _("Enter a year between %(first)d and %(last)d.", first=FIRST_FOUNDING_YEAR, last=this_year),
            "founded_year",
        )
    if word_count(details.description) > DESCRIPTION_WORD_LIMIT:
        raise DomainError(_("Use at most %(count)d words.", count=DESCRIPTION_WORD_LIMIT), "description")


def _fields(details: OrganisationDetails) -> dict[str, object]:
    """The column values for ``details``: trimmed text, and the name folded for duplicate checks."""
    fields = asdict(details)
    fields["name"] = details.name.strip()
    fields["website"] = (details.website or "").strip() or None
    fields["description"] = (details.description or "").strip() or None
    fields["normalised_name"] = normalise_name(fields["name"])
    return fields


def _apply(organisation: Organisation, fields: dict[str, object]) -> None:
    for name, value in fields.items():
        setattr(organisation, name, value)


def create_organisation(details: OrganisationDetails, *, actor: User) -> Organisation:
    """Create the actor's organisation and make the actor its first member."""
    if actor.organisation_id is not None:
        raise NotAllowed(_("You already belong to an organisation."))
    check_details(details)
    organisation = Organisation()
    fields = _fields(details)
    _apply(organisation, fields)
    db.session.add(organisation)
    actor.organisation = organisation
    db.session.flush()
    audit.record("organisation.created", organisation, actor=actor, after=fields)
    db.session.commit()
    return organisation


def update_organisation(organisation: Organisation, details: OrganisationDetails, *, actor: User) -> None:
    """Change the organisation's details (any member may)."""
    check_details(details)
    fields = _fields(details)
    before, after = audit.changes(organisation, fields)
    _apply(organisation, fields)
    if after:
        audit.record("organisation.updated", organisation, actor=actor, before=before, after=after)
    db.session.commit()


def pending_invitations(organisation: Organisation) -> list[OrganisationInvitation]:
    query = select(OrganisationInvitation).where(
        OrganisationInvitation.organisation_id == organisation.id,
        OrganisationInvitation.accepted_at.is_(None),
    )
    return list(db.session.scalars(query.order_by(OrganisationInvitation.created_at)))


def invite_member(organisation: Organisation, email: str, *, actor: User) -> OrganisationInvitation:
    """Mail a colleague a link to join; inviting the same address again re-sends the pending invitation."""
    if not actor.is_verified:
        raise NotAllowed(_("Please confirm your own email address before inviting colleagues."))
    address = normalise_email(email)
    invitee = user_by_email(address)
    if invitee is not None and invitee.organisation_id == organisation.id:
        raise DomainError(_("This person is already a member of your organisation."), "email")
    invitation = db.session.scalar(
        select(OrganisationInvitation).where(
            OrganisationInvitation.organisation_id == organisation.id,
            func.lower(OrganisationInvitation.email) == address,
            OrganisationInvitation.accepted_at.is_(None),
        )
    )
    if invitation is None:
        invitation = OrganisationInvitation(organisation=organisation, email=address, invited_by_id=actor.id)
        db.session.add(invitation)
        db.session.flush()
        audit.record("invitation.created", invitation, actor=actor, after={"email": address})
    db.session.commit()
    queue_mail("organisation_invitation", invitation_id=invitation.id, inviter_id=actor.id)
    return invitation


def mail_invitation(invitation_id: int, inviter_id: int) -> bool:
    """Mail a pending invitation's link to the invited address, in the invitee's language if they have an
    account, else the inviter's (the ``organisation_invitation`` mail); nothing once it is withdrawn."""
    invitation = db.session.get(OrganisationInvitation, invitation_id)
    inviter = db.session.get(User, inviter_id)
    if invitation is None or invitation.accepted_at is not None or inviter is None:
        return False
    invitee = user_by_email(invitation.email)
    send_template(
        invitation.email,
        "organisation_invitation",
        language=invitee.language if invitee else inviter.language,
        inviter=inviter,
        organisation=invitation.organisation,
        link=mail_link("accounts.join_organisation", token=invitation_token(invitation)),
        days=max(1, int(current_app.config["INVITE_TOKEN_MAX_AGE"]) // 86400),
    )
    return True


def _invitation_fingerprint(invitation: OrganisationInvitation) -> str:
    return fingerprint(invitation.id, invitation.organisation_id, invitation.email)


def invitation_token(invitation: OrganisationInvitation) -> str:
    """The secret part of the link that accepts ``invitation``."""
    return make_token(INVITE, {"iid": invitation.id, "fp": _invitation_fingerprint(invitation)})


def revoke_invitation(invitation: OrganisationInvitation, *, actor: User) -> None:
    """Withdraw a pending invitation: its row is deleted, so its link stops working."""
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been accepted."))
    audit.record("invitation.revoked", invitation, actor=actor, before={"email": invitation.email})
    db.session.delete(invitation)
    db.session.commit()


def invitation_from_token(token: str, *, lock: bool = False) -> OrganisationInvitation:
    """The pending invitation a link names; refused when expired, forged, revoked or already accepted.

    With ``lock``, read inside a writing transaction that holds the invitation's row until the commit, so
    twenty copies of the same acceptance use it once.
    """
    payload = read_link(INVITE, token, "INVITE_TOKEN_MAX_AGE")
    invitation_id = payload.get("iid")
    if lock:
        begin_write(db.session)
        invitation = None
        if isinstance(invitation_id, int):
            invitation = db.session.get(
                OrganisationInvitation, invitation_id, with_for_update=True, populate_existing=True
            )
        return _pending(invitation, payload)
    invitation = (
        db.session.get(OrganisationInvitation, invitation_id) if isinstance(invitation_id, int) else None
    )
    return _pending(invitation, payload)


def _pending(invitation: OrganisationInvitation | None, payload: dict) -> OrganisationInvitation:
    if invitation is None or payload.get("fp") != _invitation_fingerprint(invitation):
        raise LinkProblem("invalid")
    if invitation.accepted_at is not None:
        raise LinkProblem("used")
    return invitation


def accept_invitation(token: str, *, actor: User) -> Organisation:
    """Make the actor a member of the inviting organisation.

    Refused when the actor already belongs to another organisation. When the actor's address is the one
    the invitation was mailed to, following the link also confirms that address.
    """
    invitation = invitation_from_token(token, lock=True)
    organisation = invitation.organisation
    if actor.organisation_id == organisation.id:
        raise DomainError(_("You are already a member of %(name)s.", name=organisation.name))
    if actor.organisation_id is not None:
        raise NotAllowed(
            _(
                "You already belong to another organisation (%(name)s). An account can belong to one "
                "organisation only: use another account to join %(other)s.",
                name=actor.organisation.name,
                other=organisation.name,
            )
        )
    actor.organisation = organisation
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = actor.id
    if not actor.is_verified and normalise_email(actor.email) == normalise_email(invitation.email):
        actor.email_verified_at = utcnow()
    audit.record("invitation.accepted", invitation, actor=actor, after={"user_id": actor.id})
    db.session.commit()
    return organisation
