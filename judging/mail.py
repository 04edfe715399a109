"""All outgoing mail goes through ``send_mail``: SMTP when configured, else an ``.eml`` file in the outbox."""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

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
