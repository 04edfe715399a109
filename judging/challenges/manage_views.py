"""Placeholder: replaced by the organisers' challenge pages."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.route("/")
def index():
    return "manage"


@bp.route("/<slug>/")
def overview(slug: str):
    return slug
