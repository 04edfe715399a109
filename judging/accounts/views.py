"""Placeholder: replaced by the accounts views."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "login"


@bp.route("/logout", methods=["POST"])
def logout():
    return "logout"


@bp.route("/register", methods=["GET", "POST"])
def register():
    return "register"


@bp.route("/account")
def profile():
    return "profile"
