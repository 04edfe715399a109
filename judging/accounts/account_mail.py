"""Account mail (address confirmation, password reset, notices of changes, invitations) goes out as a
background job, ``accounts.mail``, never inside the request.

So a request does the same work whether or not an address has an account (a reset request for an
unknown address queues the same job, which then finds nobody to mail), a slow or failing mail server
neither slows a page nor turns it into an error (the job fails and the log says why), and a link's
secret is made by the job when it writes the message: job rows hold ids and addresses, no tokens.

Each mail is a function named in ``MAILS``, called by the job with the params it was queued with.
"""

from __future__ import annotations

from typing import Any

from judging import jobs
from judging.jobs.registry import resolve

MAILS = {
    "verify_email": "judging.accounts.services:mail_verification",
    "register_existing": "judging.accounts.services:mail_existing_holder",
    "reset_password": "judging.accounts.services:mail_reset",
    "password_changed": "judging.accounts.services:mail_password_changed",
    "confirm_email_change": "judging.accounts.services:mail_email_change",
    "email_changed": "judging.accounts.services:mail_email_changed",
    "organisation_invitation": "judging.accounts.organisation_services:mail_invitation",
    "two_factor_changed": "judging.accounts.two_factor:mail_change",
}


def queue_mail(mail: str, **params: Any) -> None:
    """Queue the account mail ``mail`` (a key of ``MAILS``) with JSON-ready ``params``. Side effects: a job
    row and a commit, then the back-end's hand-over (inline, a thread, or RQ)."""
    if mail not in MAILS:
        raise KeyError(mail)
    jobs.enqueue("accounts.mail", {"mail": mail, **params})


def mail_task(run: jobs.Run) -> dict[str, Any]:
    """The ``accounts.mail`` job: write and send the message (or nothing, when nobody is to be mailed)."""
    params = dict(run.params)
    mail = params.pop("mail")
    sent = resolve(MAILS[mail])(**params)
    return {"sent": bool(sent)}
