"""Nothing typed is lost when a long form's post is refused because its session ended or changed.

Pages where people write for a long time (the judge's score sheet, the entry form, the challenge's
details) keep what was posted in two cases:

- the person is signed out: ``login_keeping_typed`` (in place of ``login_required``) answers a POST with
  the page's signed-out rendering, usually :func:`signed_out_page`: every posted value stays in the page,
  the texts in editable boxes, with a link to sign in in a new tab and a button that posts them again;
- the form's CSRF token no longer matches (the session ended, or the person signed in again elsewhere):
  ``judging.errors`` calls :func:`keep_refused`, which answers with the page's ``expired`` rendering (the
  form again exactly as posted, with a fresh token and nothing saved), or its signed-out one when the
  person is signed out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

NOT_KEPT = ("csrf_token", "action")


def login_keeping_typed(
    signed_out: Callable[..., Any], expired: Callable[..., Any]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``login_required`` for a long form: a signed-out GET goes to sign in, a signed-out POST is answered
    by ``signed_out(**view_args)`` so the typed values stay on the page; a post refused for its CSRF token
    is answered by ``expired(**view_args)`` (see :func:`keep_refused`)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(**kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.method == "POST":
                    return signed_out(**kwargs)
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            return view(**kwargs)

        wrapped.keeps_typed = (signed_out, expired)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def keep_refused() -> Any | None:
    """The answer to a post refused for its CSRF token when its page keeps typed values (the page's
    ``expired`` rendering, or its ``signed_out`` one for someone signed out); None for any other page."""
    view = current_app.view_functions.get(request.endpoint or "")
    renderings = getattr(view, "keeps_typed", None)
    if renderings is None or request.view_args is None:
        return None
    signed_out, expired = renderings
    return (expired if current_user.is_authenticated else signed_out)(**request.view_args)


def expired_message() -> str:
    return _("Your form expired, so nothing was saved yet. What you typed is below: check it and save again.")


def signed_out_page(action_url: str, form_class: type, texts: Sequence[str], *, lines: Sequence[str] = ()):
    """The posted values, kept for a signed-out writer (status 401).

    ``texts`` name the form's fields shown in editable boxes when posted (``lines`` among them as one-line
    inputs), labelled as in ``form_class``; every other posted value travels hidden. Nothing of what is
    stored is shown: the visitor is not known.
    """
    labels = form_class(formdata=None, meta={"csrf": False})
    shown = [name for name in texts if request.form.get(name)]
    return (
        render_template(
            "typed_signed_out.html",
            action_url=action_url,
            texts=[(name, labels[name].label.text, request.form[name], name in lines) for name in shown],
            hidden=[
                (key, value)
                for key, value in request.form.items(multi=True)
                if key not in shown and key not in NOT_KEPT
            ],
            file_chosen=any(upload.filename for upload in request.files.values()),
        ),
        401,
    )
