"""All outgoing mail goes through ``send_mail``: SMTP when configured, else an ``.eml`` file in the outbox.

Mail that one person's action causes (address confirmation, password resets, notices of account
changes, invitations to an organisation or a jury) is not sent inside the request: ``queue_mail`` makes a
background job of kind ``mail``, which calls the function ``MAILS`` names for it with the params it was
queued with. So a slow or failing mail server neither slows a page nor turns it into an error (the job
fails, the log says why, and the person can ask again), a reset request does the same work whether or not
the address has an account (the job finds out), and a link's secret is made when the message is written:
job rows hold ids and addresses, never tokens. Mail to many people at once (reminders, outcomes,
certificate links) runs inside jobs of its own.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from judging.database import utcnow

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, text: str, *, html: str | None = None) -> EmailMessage:
    """Send one message to ``to``. Header values with line breaks are refused by ``EmailMessage``.

    Side effects: an SMTP conversation, or a new file in ``OUTBOX_FOLDER``; one log line either way.
    """
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="judging.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if config.get("MAIL_SERVER"):
        _send_smtp(message)
        log.info("mail sent by SMTP to %s: %s", to, subject)
    else:
        outbox = Path(config["OUTBOX_FOLDER"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        temporary = outbox / (name + ".tmp")
        temporary.write_bytes(bytes(message))
        temporary.rename(outbox / name)
        log.info("mail written to %s for %s: %s", outbox / name, to, subject)
    return message


def send_template(to: str, template: str, *, language: str | None = None, **context: object) -> EmailMessage:
    """Render ``templates/mail/<template>.txt`` (first line: subject) in the recipient's language; send it."""
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        rendered = render_template(f"mail/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    return send_mail(to, subject.strip(), body.strip() + "\n")


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def external_url(path: str) -> str:
    """An absolute link for mail, built from BASE_URL and never from the request's Host header."""
    return current_app.config["BASE_URL"].rstrip("/") + path


@dataclass(frozen=True)
class Mail:
    """A mail sent by a ``mail`` job: ``sender`` names the function (``"module:function"``) that writes
    and sends it, ``label`` says what it is on job pages, ``to`` names the param giving its recipient (an
    address, or the id of a record in ``_RECIPIENTS``)."""

    sender: str
    label: Any  # a lazy translated string
    to: str


MAILS = {
    "verify_email": Mail(
        "judging.accounts.services:mail_verification", _l("Address confirmation"), "user_id"
    ),
    "register_existing": Mail(
        "judging.accounts.services:mail_existing_holder", _l("Registration with a used address"), "user_id"
    ),
    "reset_password": Mail("judging.accounts.services:mail_reset", _l("Password reset"), "email"),
    "password_changed": Mail(
        "judging.accounts.services:mail_password_changed", _l("Password changed"), "user_id"
    ),
    "confirm_email_change": Mail(
        "judging.accounts.services:mail_email_change", _l("New address confirmation"), "new_email"
    ),
    "email_changed": Mail(
        "judging.accounts.services:mail_email_changed", _l("Address changed"), "old_address"
    ),
    "organisation_invitation": Mail(
        "judging.accounts.organisation_services:mail_invitation",
        _l("Invitation to an organisation"),
        "invitation_id",
    ),
    "two_factor_changed": Mail(
        "judging.accounts.two_factor:mail_change", _l("Two-step sign-in changed"), "user_id"
    ),
    "judge_invitation": Mail(
        "judging.assignments.judge_services:mail_invitation", _l("Jury invitation"), "judge_id"
    ),
}

# Params that name a record rather than an address: the record whose ``email`` the mail goes to.
_RECIPIENTS = {
    "user_id": "judging.accounts.models:User",
    "invitation_id": "judging.accounts.models:OrganisationInvitation",
    "judge_id": "judging.assignments.models:Judge",
}


def queue_mail(mail: str, *, challenge: Any = None, **params: Any) -> None:
    """Queue the mail ``mail`` (a key of ``MAILS``) with JSON-ready ``params``, as a job of ``challenge``
    if given. Side effects: a job row and a commit, then the back-end's hand-over."""
    from judging import jobs

    if mail not in MAILS:
        raise KeyError(mail)
    jobs.enqueue("mail", {"mail": mail, **params}, challenge=challenge)


def mail_task(run: Any) -> dict[str, Any]:
    """The ``mail`` job: write and send the message (or nothing, when there is nobody to mail any more)."""
    from judging.jobs.registry import resolve

    params = dict(run.params)
    sent = resolve(MAILS[params.pop("mail")].sender)(**params)
    return {"sent": bool(sent)}


def recipients(jobs: list[Any]) -> dict[int, str]:
    """The address each ``mail`` job of ``jobs`` writes to, by job id; one query per kind of record
    named by id (a job whose record is gone has none)."""
    from sqlalchemy import select

    from judging.extensions import db
    from judging.jobs.registry import resolve

    found: dict[int, str] = {}
    wanted: dict[str, dict[int, list[int]]] = {}  # record param -> record id -> job ids
    for job in jobs:
        mail = MAILS.get(job.params.get("mail", ""))
        value = job.params.get(mail.to) if mail is not None else None
        if value is None:
            continue
        if mail.to in _RECIPIENTS:
            wanted.setdefault(mail.to, {}).setdefault(value, []).append(job.id)
        else:
            found[job.id] = str(value)
    for param, by_id in wanted.items():
        model = resolve(_RECIPIENTS[param])
        for record_id, address in db.session.execute(
            select(model.id, model.email).where(model.id.in_(list(by_id)))
        ):
            found.update(dict.fromkeys(by_id[record_id], address))
    return found


def job_details(jobs: list[Any]) -> dict[int, str]:
    """What each ``mail`` job sends and to whom, by job id, for its page and the list of jobs."""
    addresses = recipients(jobs)
    details = {}
    for job in jobs:
        mail = MAILS.get(job.params.get("mail", ""))
        if mail is None:
            continue
        to = addresses.get(job.id)
        details[job.id] = _("%(mail)s to %(address)s", mail=mail.label, address=to) if to else str(mail.label)
    return details
