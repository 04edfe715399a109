"""Organisers' standings pages: a round's standings, its ranking settings, its judges' statistics and
the exports of its standings and marks.

Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from judging.assignments.loaders import managed_round
from judging.challenges.manage_views import show_error
from judging.core.ranking import Method
from judging.errors import DomainError
from judging.extensions import db
from judging.results import charts, exports
from judging.results import standings_services as services
from judging.results.standings_forms import RankingSettingsForm, settings_data

bp = Blueprint("standings", __name__, url_prefix="/manage")


@bp.route("/<slug>/rounds/<int:round_id>/standings")
@login_required
def round_standings(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    category_id = request.args.get("category", type=int)
    if category_id is not None and category_id not in {c.id for c in challenge.categories}:
        abort(404)
    return render_template(
        "standings/round.html",
        challenge=challenge,
        round=round_,
        page=services.standings_page(round_, category_id=category_id),
        category_id=category_id,
        compare=request.args.get("compare") == "1",
        methods=list(Method),
        flag_words=exports.flag_words(),
    )


def _render_settings(challenge, round_, form: RankingSettingsForm, status: int = 200):
    return (
        render_template(
            "standings/settings.html",
            challenge=challenge,
            round=round_,
            form=form,
        ),
        status,
    )


@bp.route("/<slug>/rounds/<int:round_id>/standings/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    rules = services.tie_break_options(round_)
    if request.method == "GET":
        return _render_settings(
            challenge, round_, RankingSettingsForm(data=settings_data(round_), rules=rules)
        )
    form = RankingSettingsForm(rules=rules)
    if form.validate_on_submit():
        try:
            services.update_ranking_settings(
                round_,
                method=Method(form.method.data),
                tie_break=form.tie_break(),
                cutoff=form.cutoff.data,
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Ranking settings saved: the standings below use them."), "success")
            return redirect(url_for(".round_standings", slug=challenge.slug, round_id=round_.id))
    return _render_settings(challenge, round_, form, status=400)


@bp.route("/<slug>/rounds/<int:round_id>/judges")
@login_required
def judges(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    report = services.judge_report(round_)
    return render_template(
        "standings/judges.html",
        challenge=challenge,
        round=round_,
        report=report,
        readings=readings(),
        distribution=_distribution(report),
        intervals={table.category.id: _intervals(table, report) for table in report.page.tables},
    )


def readings() -> dict[str, str]:
    """What each reading of Krippendorff's alpha means for the ranking."""
    return {
        "good": _("Judges agree well (α ≥ 0.80): the ranking reflects a shared view."),
        "tentative": _(
            "Judges agree only in part (0.667 ≤ α < 0.80): treat close positions in the ranking as tentative."
        ),
        "poor": _(
            "Judges agree little (0 ≤ α < 0.667): the ranking depends on who marked what; look at the "
            "flagged entries and consider another judge."
        ),
        "systematic": _(
            "Judges disagree systematically (α < 0), worse than chance: check that they read the rubric "
            "the same way."
        ),
        "not_enough": _("Not enough data: alpha needs at least two entries with two sheets or more."),
    }


def _distribution(report: services.JudgeReport):
    if not report.judges:
        return None
    return charts.distribution_chart(
        [(row.name, row.totals, row.stats.mean) for row in report.judges],
        report.scale,
        title=_("Totals given by each judge"),
        description=_(
            "One row per judge: a dot for each total they gave, on the rubric's scale from %(low)s to "
            "%(high)s, and a bar at their mean. The table below gives the same numbers.",
            low=f"{report.scale[0]:g}",
            high=f"{report.scale[1]:g}",
        ),
    )


def _intervals(table: services.CategoryTable, report: services.JudgeReport):
    if not any(row.standing.rank for row in table.rows):
        return None
    return charts.interval_chart(
        [(row.entry.title, row.standing.rank, row.standing.interval) for row in table.rows],
        report.page.standings.cutoff,
        title=_("Ranks and rank intervals in %(category)s", category=table.category.name),
        description=_(
            "One row per entry in rank order: a dot at its rank and a bar over its rank interval; a dashed "
            "line marks the cut-off. The table below gives the same numbers."
        ),
    )


@bp.route("/<slug>/rounds/<int:round_id>/export/<what>.<fmt>")
@login_required
def export(slug: str, round_id: int, what: str, fmt: str):
    challenge, round_ = managed_round(slug, round_id)
    if what not in exports.KINDS or fmt not in exports.FORMATS:
        abort(404)
    body, mimetype = exports.export(round_, what, fmt, names=request.args.get("judges") == "names")
    name = exports.filename(round_, what, fmt)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
