"""Placeholder: replaced by the organisers' entry pages."""

from flask import Blueprint

bp = Blueprint("screening", __name__, url_prefix="/manage")


@bp.route("/<slug>/entries")
def entries(slug: str):
    return slug
