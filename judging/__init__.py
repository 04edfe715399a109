"""judging: run innovation challenges and awards from the call for entries to the certificate."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py, then JUDGING_* env, then ``test_config``."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("JUDGING_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure(app, test_config)
    from judging.static_files import init_static_files

    init_static_files(app)  # first, so that compression is the last thing done to a response
    from judging.logs import init_logging

    init_logging(app)
    if int(app.config.get("PROXY_COUNT") or 0) > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_templating(app)
    register_cli(app)
    return app


def configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    from judging.config import Defaults, ensure_secret_key, env_overrides

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(env_overrides(os.environ))
    else:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = ensure_secret_key(app.instance_path)
    database_url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not database_url:
        database_url = "sqlite:///" + str(Path(app.instance_path) / "judging.sqlite3")
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if database_url.startswith("postgresql"):
        engine_options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app.config.setdefault("UPLOAD_FOLDER", None)
    app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"] or str(Path(app.instance_path) / "uploads")
    app.config["OUTBOX_FOLDER"] = app.config.get("OUTBOX_FOLDER") or str(Path(app.instance_path) / "outbox")
    # The whole request may carry a deck plus the form's text.
    app.config.setdefault("MAX_CONTENT_LENGTH", int(app.config["MAX_DECK_BYTES"]) + 2 * 1024 * 1024)
    if app.config.get("REDIS_URL") and app.config.get("RATELIMIT_STORAGE_URI") == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]


def register_extensions(app: Flask) -> None:
    from judging import models  # noqa: F401  (every model registered before the metadata is used)
    from judging.accounts.session import configure_login
    from judging.extensions import babel, csrf, db, limiter, migrate
    from judging.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    configure_login(app)
    from judging.security import init_security

    init_security(app)


def register_blueprints(app: Flask) -> None:
    from judging.accounts.views import bp as accounts_bp
    from judging.assignments.assign_views import bp as assignments_bp
    from judging.assignments.conflict_views import admin_bp as conflict_admin_bp
    from judging.assignments.conflict_views import bp as conflicts_bp
    from judging.assignments.invitation_views import bp as judging_bp
    from judging.assignments.judge_views import bp as judge_bp
    from judging.assignments.jury_views import bp as jury_bp
    from judging.assignments.round_views import bp as rounds_bp
    from judging.challenges.manage_views import bp as manage_bp
    from judging.challenges.views import bp as challenges_bp
    from judging.submissions.manage_views import bp as screening_bp
    from judging.submissions.views import bp as submissions_bp

    for blueprint in (challenges_bp, accounts_bp, manage_bp, submissions_bp, screening_bp):
        app.register_blueprint(blueprint)
    for blueprint in (conflicts_bp, conflict_admin_bp):
        app.register_blueprint(blueprint)
    for blueprint in (jury_bp, judging_bp, rounds_bp):
        app.register_blueprint(blueprint)
    for blueprint in (assignments_bp, judge_bp):
        app.register_blueprint(blueprint)
    from judging.scoring.history_views import bp as score_history_bp
    from judging.scoring.sheet_views import bp as scoring_bp

    for blueprint in (scoring_bp, score_history_bp):
        app.register_blueprint(blueprint)
    from judging.scoring.progress_views import bp as progress_bp

    app.register_blueprint(progress_bp)
    from judging.scoring.rubric_views import bp as rubric_bp

    app.register_blueprint(rubric_bp)
    from judging.results.standings_views import bp as standings_bp

    app.register_blueprint(standings_bp)
    from judging.results.public_views import bp as results_bp
    from judging.results.publish_views import bp as publication_bp

    for blueprint in (publication_bp, results_bp):
        app.register_blueprint(blueprint)
    from judging.results.decision_views import bp as decisions_bp
    from judging.results.shortlist_views import bp as shortlist_bp

    for blueprint in (shortlist_bp, decisions_bp):
        app.register_blueprint(blueprint)
    from judging.certificates.build_views import bp as certificate_builds_bp

    app.register_blueprint(certificate_builds_bp)
    from judging.certificates.manage_views import bp as certificates_admin_bp
    from judging.certificates.views import bp as certificates_bp

    for blueprint in (certificates_admin_bp, certificates_bp):
        app.register_blueprint(blueprint)
    from judging.ops.health import bp as health_bp

    app.register_blueprint(health_bp)
    from judging.jobs.site_views import bp as site_jobs_bp
    from judging.jobs.views import bp as jobs_bp

    for blueprint in (jobs_bp, site_jobs_bp):
        app.register_blueprint(blueprint)
    from judging.i18n import init_language_picker

    init_language_picker(app)


def register_errors(app: Flask) -> None:
    from judging.errors import init_errors

    init_errors(app)


def register_templating(app: Flask) -> None:
    from judging.templating import init_templating

    init_templating(app)


def register_cli(app: Flask) -> None:
    from judging.cli import init_cli

    init_cli(app)
