"""Nothing typed is lost when a long form's post is refused because its session ended or changed.

Pages where people write for a long time (the judge's score sheet, the entry form, the challenge's
details) keep what was posted in two cases:

- the form's CSRF token no longer matches (the session ended, or the person signed in again elsewhere):
  ``judging.errors`` calls the page's ``render_expired`` named in ``KEEP_TYPED``, which shows the form
  again exactly as posted, with a fresh token and nothing saved;
- the person is signed out: ``login_keeping_typed`` (in place of ``login_required``) answers a POST with
  the page's signed-out rendering, usually :func:`signed_out_page`: every posted value stays in the page,
  the texts in editable boxes, with a link to sign in in a new tab and a button that posts them again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from flask import current_app, render_template, request
from flask_login import current_user

# Endpoint -> the function (``"module:function"``) showing a refused post again as typed.
KEEP_TYPED = {
    "scoring.sheet": "judging.scoring.sheet_views:render_expired",
    "submissions.edit": "judging.submissions.views:render_expired",
    "manage.edit": "judging.challenges.manage_views:render_expired",
}
NOT_KEPT = ("csrf_token", "action")


def login_keeping_typed(signed_out: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``login_required`` for a long form: a signed-out GET goes to sign in, a signed-out POST is answered
    by ``signed_out(**view_args)`` so the typed values stay on the page."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(**kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.method == "POST":
                    return signed_out(**kwargs)
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            return view(**kwargs)

        return wrapped

    return decorator


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
