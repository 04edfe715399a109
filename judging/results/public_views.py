"""Published results: the public winners page and an entrant's outcome and feedback report.

Both pages read only the snapshot in force (``publish_services.published``), never live marks or
decisions, so they change only when the organisers publish again. Before the first publication both
are 404 for everyone, organisers included (they use the results overview). The entry page is for the
members of the entry's organisation only (404 for everyone else).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Blueprint, abort, render_template
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select

from judging import permissions
from judging.assignments.models import Round
from judging.challenges.models import Challenge
from judging.core.ranking import percentile
from judging.extensions import db
from judging.labels import label
from judging.results.models import Outcome, ResultsSnapshot
from judging.results.publish_services import published
from judging.submissions.models import Submission

bp = Blueprint("results", __name__)


def results_published(challenge: Challenge) -> bool:
    """Whether the challenge has published results (templates link to them only then)."""
    return (
        db.session.scalar(
            select(ResultsSnapshot.id).where(ResultsSnapshot.challenge_id == challenge.id).limit(1)
        )
        is not None
    )


@bp.app_context_processor
def _helpers() -> dict[str, object]:
    return {"results_published": results_published}


def shown_label(row: dict) -> str:
    """The outcome's name as published: the organisers' own label, else the reader-language default."""
    if row.get("renamed"):
        return row["label"]
    try:
        return label(Outcome(row["outcome"]))
    except ValueError:
        return row.get("label", "")


def public_results(data: dict) -> list[tuple[dict, list[dict]]]:
    """Per category (in the challenge's order): its entries with a public outcome, in outcome order,
    then rank, then title."""
    order = {outcome.value: outcome.order for outcome in Outcome}
    by_category: dict[int, list[dict]] = {}
    for row in data.get("decisions", []):
        if row.get("public") and row["outcome"] in order:
            by_category.setdefault(row["category"]["id"], []).append({**row, "shown_label": shown_label(row)})
    result = []
    for category in data.get("categories", []):
        rows = by_category.get(category["id"], [])
        rows.sort(key=lambda r: (order[r["outcome"]], r["rank"] is None, r["rank"] or 0, r["title"]))
        if rows:
            result.append((category, rows))
    return result


@dataclass(frozen=True)
class CriterionComparison:
    name: str
    entry_mean: float
    category_mean: float
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class FeedbackReport:
    """An entry's marks against its category in the last round that ranked it, and its judges' words."""

    round_name: str | None
    criteria: list[CriterionComparison]
    rank: int | None
    count: int
    percentile: int | None
    feedback: list[str]
    round_id: int | None = None  # the live round, for its name in the reader's language


def entry_report(data: dict, entry_id: int) -> FeedbackReport:
    """The feedback report of one entry from snapshot ``data``.

    The category average of a criterion is the mean of the category's entries' mean marks (each entry
    counts once, whatever its number of sheets). Only counted (not independent) criteria are compared.
    """
    feedback = list(data.get("feedback", {}).get(str(entry_id), []))
    for block in reversed(data.get("rounds", [])):
        mine = next((r for r in block["standings"] if r["entry"] == entry_id and r["rank"] is not None), None)
        if mine is None:
            continue
        peers = [r for r in block["standings"] if r["category"] == mine["category"]]
        ranked = [r for r in peers if r["rank"] is not None]
        rows = []
        for spec in block["criteria"]:
            key = str(spec["id"])
            if spec["independent"] or mine["criteria"].get(key) is None:
                continue
            means = [r["criteria"][key] for r in peers if r["criteria"].get(key) is not None]
            rows.append(
                CriterionComparison(
                    spec["name"],
                    mine["criteria"][key],
                    sum(means) / len(means),
                    spec["scale_min"],
                    spec["scale_max"],
                )
            )
        return FeedbackReport(
            block["name"],
            rows,
            mine["rank"],
            len(ranked),
            percentile(mine["rank"], len(ranked)),
            feedback,
            block["id"],
        )
    return FeedbackReport(None, [], None, 0, None, feedback)


LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH, BAR_HEIGHT, ROW_HEIGHT, TOP = 170, 300, 60, 12, 40, 30
ENTRY_COLOUR, CATEGORY_COLOUR = "#0b5cad", "#8a939c"


def comparison_chart(rows: list[CriterionComparison]) -> Markup:
    """Two bars per criterion, the entry's mean and the category's, on the criterion's own scale."""
    ident = "chart-" + secrets.token_hex(4)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TOP + ROW_HEIGHT * len(rows)
    title = _("Your average mark and your category's average, per criterion")
    desc = "; ".join(
        _(
            "%(name)s: you %(entry).1f, category %(category).1f",
            name=r.name,
            entry=r.entry_mean,
            category=r.category_mean,
        )
        for r in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" font-size="13" font-family="system-ui, sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<rect x="{LABEL_WIDTH}" y="6" width="12" height="12" fill="{ENTRY_COLOUR}"/>'
        f'<text x="{LABEL_WIDTH + 16}" y="16">{escape(_("Your entry"))}</text>'
        f'<rect x="{LABEL_WIDTH + 120}" y="6" width="12" height="12" fill="{CATEGORY_COLOUR}"/>'
        f'<text x="{LABEL_WIDTH + 136}" y="16">{escape(_("Category average"))}</text>',
    ]
    for index, row in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        span = max(row.scale_max - row.scale_min, 1)
        name = row.name if len(row.name) <= 24 else row.name[:23] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT + 3}" text-anchor="end">{escape(name)}</text>'
        )
        for offset, value, colour in (
            (0, row.entry_mean, ENTRY_COLOUR),
            (BAR_HEIGHT + 2, row.category_mean, CATEGORY_COLOUR),
        ):
            bar = max(0.0, min(1.0, (value - row.scale_min) / span)) * BAR_WIDTH
            top, text_x = y + offset, LABEL_WIDTH + BAR_WIDTH + 6
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>'
                f'<text x="{text_x}" y="{top + BAR_HEIGHT - 2}">{format_decimal(value, format="0.0")}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)


@bp.route("/challenges/<slug>/results")
def public(slug: str):
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    snapshot = published(challenge) if challenge is not None else None
    if snapshot is None:
        abort(404)
    return render_template(
        "results/public.html",
        challenge=challenge,
        snapshot=snapshot,
        categories=public_results(snapshot.data),
    )


def _live_round(challenge: Challenge, report: FeedbackReport | None) -> Round | None:
    """The round a feedback report comes from, while it is still one of the challenge's rounds."""
    round_ = db.session.get(Round, report.round_id) if report and report.round_id else None
    return round_ if round_ is not None and round_.challenge_id == challenge.id else None


@bp.route("/entries/<int:submission_id>/results")
@login_required
def entry(submission_id: int):
    submission = db.session.get(Submission, submission_id)
    if submission is None or not permissions.is_member(submission, current_user):
        abort(404)
    snapshot = published(submission.challenge)
    if snapshot is None:
        abort(404)
    data = snapshot.data
    decision = next((row for row in data.get("decisions", []) if row["submission"] == submission.id), None)
    report = entry_report(data, submission.id) if data["challenge"].get("feedback_to_entrants") else None
    return render_template(
        "results/entry.html",
        challenge=submission.challenge,
        submission=submission,
        snapshot=snapshot,
        decision=decision,
        outcome=shown_label(decision) if decision else None,
        report=report,
        report_round=_live_round(submission.challenge, report),
        chart=comparison_chart(report.criteria) if report and report.criteria else None,
    )
