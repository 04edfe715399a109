"""Placeholder: replaced by the public challenge pages."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)


@bp.route("/")
def index():
    return "index"


@bp.route("/challenges/<slug>")
def challenge(slug: str):
    return slug
