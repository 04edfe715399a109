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
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

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


MAILS = {
    "verify_email": "judging.accounts.services:mail_verification",
    "register_existing": "judging.accounts.services:mail_existing_holder",
    "reset_password": "judging.accounts.services:mail_reset",
    "password_changed": "judging.accounts.services:mail_password_changed",
    "confirm_email_change": "judging.accounts.services:mail_email_change",
    "email_changed": "judging.accounts.services:mail_email_changed",
    "organisation_invitation": "judging.accounts.organisation_services:mail_invitation",
    "two_factor_changed": "judging.accounts.two_factor:mail_change",
    "judge_invitation": "judging.assignments.judge_services:mail_invitation",
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
    sent = resolve(MAILS[params.pop("mail")])(**params)
    return {"sent": bool(sent)}
