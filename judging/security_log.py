"""The security log: sign-ins and their failures, sign-outs, refused requests and every audited change
(which includes every administrative action), written through the ``judging.security`` logger (see
``judging.logs`` for the format).

Each record carries its event name and, inside a request, the client's address, the method, the path,
the signed-in user's id and the request id; times are UTC. Values typed by users (an email address on a
failed sign-in) are written with their line breaks escaped, so nobody can forge a line of the log.

Audited changes are the audit rows (``judging.audit.record``): each is logged once its transaction
commits, and never when it rolls back, so the log says only what happened.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, has_request_context, request
from flask_login import current_user, user_logged_in, user_logged_out
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

log = logging.getLogger("judging.security")
PENDING = "security_log_pending"
# Refused responses. A page a user may not see answers 404 like a missing one (never 403), so a 404 to
# a signed-in user is logged: it is how walking other people's ids shows.
REFUSED = {401: "unauthorised", 403: "permission denied", 429: "rate limited"}
NOT_VISIBLE = "not found or not permitted"


def clean(value: Any) -> Any:
    """A value safe to put on one line: CR, LF and other control characters escaped."""
    if not isinstance(value, str):
        return value
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in value)


def _request_fields() -> dict[str, Any]:
    if not has_request_context():
        return {}
    fields: dict[str, Any] = {"ip": request.remote_addr, "method": request.method}
    fields["path"] = clean(request.path)
    if _signed_in_user():
        fields["user_id"] = current_user.id
    return fields


def event(name: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Write one security event, with the request's fields and ``fields`` (values cleaned)."""
    extra = {"event": name, **_request_fields(), **{key: clean(value) for key, value in fields.items()}}
    details = " ".join(f"{key}={value}" for key, value in extra.items() if key != "event")
    log.log(level, "%s %s", name, details, extra=extra)


def audited(session: Session, action: str, object_type: str, object_id: int | None, actor_id: int | None):
    """Note an audit row to be logged when ``session`` commits (called by ``judging.audit.record``)."""
    entry = {"action": action, "object": object_type, "object_id": object_id, "actor_id": actor_id}
    session.info.setdefault(PENDING, []).append(entry)


@sa_event.listens_for(Session, "after_commit")
def _log_committed(session: Session) -> None:
    for entry in session.info.pop(PENDING, []):
        event("audited change", **entry)


@sa_event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


def init_security_log(app: Flask) -> None:
    """Log sign-ins, sign-outs and refused responses of ``app``."""
    user_logged_in.connect(_signed_in, app)
    user_logged_out.connect(_signed_out, app)
    app.after_request(_log_refusal)


def _signed_in_user() -> bool:
    try:
        return bool(current_user.is_authenticated)
    except Exception:  # the user could not be loaded: nothing to say about them
        return False


def _signed_in(sender, user, **extra) -> None:
    event("sign-in", user_id=user.id)


def _signed_out(sender, user, **extra) -> None:
    event("sign-out", user_id=getattr(user, "id", None))


def _log_refusal(response):
    name = REFUSED.get(response.status_code)
    if name is None and response.status_code == 404 and _signed_in_user():
        name = NOT_VISIBLE
    if name is not None:
        event(name, level=logging.WARNING, status=response.status_code)
    return response
