"""Placeholder: replaced by the entrants' pages."""

from flask import Blueprint

bp = Blueprint("submissions", __name__)


@bp.route("/entries/")
def dashboard():
    return "entries"


@bp.route("/challenges/<slug>/enter", methods=["GET", "POST"])
def start(slug: str):
    return slug
