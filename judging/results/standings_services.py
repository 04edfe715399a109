"""The organisers' standings of a round, its ranking settings, and how its judges mark.

Read-only builders (``standings_page``, ``judge_report``) turn the core's plain results into rows the
templates show, with the ORM objects (entries, categories) and judge names looked up in a few queries.
``update_ranking_settings`` is the one use case that writes: it checks the rules, audits and commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from judging import audit
from judging.accounts.models import User
from judging.assignments.models import Round
from judging.challenges.models import Category
from judging.core import agreement
from judging.core.ranking import (
    CRITERION_PREFIX,
    DISAGREEMENT,
    FEW_SHEETS,
    EntryStanding,
    Method,
    Standings,
    judge_offsets,
    parse_tie_break,
)
from judging.errors import DomainError
from judging.extensions import db
from judging.results.codes import judge_names
from judging.results.inputs import RoundData, load_round_data, ranking_input, round_standings, scale_of
from judging.scoring.models import Criterion
from judging.submissions.models import Submission

NEEDS_ANOTHER_JUDGE = frozenset({DISAGREEMENT, FEW_SHEETS})


@dataclass(frozen=True)
class StandingRow:
    standing: EntryStanding
    entry: Submission
    totals: list[tuple[str, float]]  # (judge name, weighted total), by name
    needs_judge: bool  # flagged for disagreement or too few sheets


@dataclass(frozen=True)
class CategoryTable:
    category: Category
    rows: list[StandingRow]
    cut_after: int | None  # the cut-off line goes after this many rows (None: no line to draw)


@dataclass(frozen=True)
class StandingsPage:
    standings: Standings
    tables: list[CategoryTable]
    has_sheets: bool
    tie_break_words: str


def round_categories(round_: Round, category_ids: Sequence[int]) -> list[Category]:
    """The challenge's categories that hold entries of the round, in the challenge's order."""
    wanted = set(category_ids)
    return [category for category in round_.challenge.categories if category.id in wanted]


def criterion_names(round_: Round) -> dict[int, str]:
    """Criterion id -> name for every criterion of the round (retired ones too)."""
    return dict(
        db.session.execute(select(Criterion.id, Criterion.name).where(Criterion.round_id == round_.id)).all()
    )


def rule_label(rule: str, names: dict[int, str]) -> str:
    """A tie-break rule in words, e.g. "higher median" or "higher mean mark on “Impact”"."""
    if rule == "median":
        return _("higher median")
    if rule == "spread":
        return _("lower spread (judges closer together)")
    if rule == "sheets":
        return _("more sheets")
    criterion = int(rule[len(CRITERION_PREFIX) :])
    return _("higher mean mark on “%(name)s”", name=names.get(criterion, _("a removed criterion")))


def tie_break_words(rules: Sequence[str], names: dict[int, str]) -> str:
    if not rules:
        return _("Ties are not broken: equal scores share a rank.")
    joined = (" " + _("then") + " ").join(rule_label(rule, names) for rule in rules)
    return _("Ties are broken by the %(rules)s; entries still equal share a rank.", rules=joined)


def tie_break_options(round_: Round) -> list[tuple[str, str]]:
    """(rule key, words) for every rule the organisers may choose in this round."""
    criteria = db.session.execute(
        select(Criterion.id, Criterion.name)
        .where(Criterion.round_id == round_.id, Criterion.retired_at.is_(None))
        .order_by(Criterion.position, Criterion.id)
    ).all()
    options = [(rule, rule_label(rule, {})) for rule in ("median", "spread", "sheets")]
    options += [
        (f"{CRITERION_PREFIX}{cid}", rule_label(f"{CRITERION_PREFIX}{cid}", {cid: name}))
        for cid, name in criteria
    ]
    return options


def standings_page(
    round_: Round, *, category_id: int | None = None, data: RoundData | None = None
) -> StandingsPage:
    """The round's standings under its settings, as one table per category (or only ``category_id``)."""
    data = data or load_round_data(round_)
    result = round_standings(round_, data=data)
    names = judge_names(round_.challenge_id)
    ids = [category_id] if category_id is not None else list(data.categories.values())
    categories = round_categories(round_, ids)
    entries = {
        submission.id: submission
        for submission in db.session.scalars(
            select(Submission)
            .where(Submission.id.in_(list(data.categories)))
            .options(joinedload(Submission.organisation))
        )
    }
    tables = []
    for category in categories:
        rows = [
            StandingRow(
                standing=standing,
                entry=entries[standing.entry],
                totals=sorted(
                    ((names.get(judge, "?"), total) for judge, total in standing.totals.items()),
                    key=lambda item: item[0].casefold(),
                ),
                needs_judge=bool(standing.flags & NEEDS_ANOTHER_JUDGE),
            )
            for standing in result.category(category.id)
        ]
        tables.append(CategoryTable(category, rows, _cut_after(rows, result.cutoff)))
    return StandingsPage(
        standings=result,
        tables=tables,
        has_sheets=bool(data.sheets),
        tie_break_words=tie_break_words(result.tie_break, criterion_names(round_)),
    )


def _cut_after(rows: list[StandingRow], cutoff: int | None) -> int | None:
    if cutoff is None:
        return None
    going = sum(1 for row in rows if row.standing.rank is not None and row.standing.rank <= cutoff)
    return going if 0 < going < len(rows) else None


def update_ranking_settings(
    round_: Round, *, method: Method, tie_break: list[str], cutoff: int | None, actor: User
) -> None:
    """Set how the round's standings rank entries: the method, the tie-break rules (in order; blanks
    are skipped) and the cut-off (entries per category going through, or None).

    Refuses an unknown method or rule, a rule chosen twice, a criterion of another round (or retired)
    and a cut-off below 1. Side effects: audit row ``round.ranking_settings``, one commit.
    """
    try:
        method = Method(method)
    except ValueError:
        raise DomainError(_("Choose a ranking method."), "method") from None
    active = set(
        db.session.scalars(
            select(Criterion.id).where(Criterion.round_id == round_.id, Criterion.retired_at.is_(None))
        )
    )
    rules: list[str] = []
    for position, key in enumerate(tie_break, start=1):
        if not key:
            continue
        field = f"tie_break_{position}"
        try:
            (rule,) = parse_tie_break([key])
        except ValueError:
            raise DomainError(_("This is not a tie-break rule."), field) from None
        if rule.startswith(CRITERION_PREFIX) and int(rule[len(CRITERION_PREFIX) :]) not in active:
            raise DomainError(_("This criterion is not part of the round's rubric."), field)
        if rule in rules:
            raise DomainError(_("This rule is chosen already: choose each tie-break rule once."), field)
        rules.append(rule)
    if cutoff is not None and cutoff < 1:
        raise DomainError(_("The cut-off must be at least 1, or left empty."), "cutoff")
    fields = {"ranking_method": method.value, "tie_break": rules, "shortlist_size": cutoff}
    if audit.update(round_, fields, "round.ranking_settings", actor=actor, challenge_id=round_.challenge_id):
        db.session.commit()


# --- judges ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgeRow:
    judge: int
    name: str
    stats: agreement.JudgeStats
    offset: float
    totals: list[float]


@dataclass(frozen=True)
class CategoryAgreement:
    category: Category
    alpha: float | None
    reading: str  # a code of ``judging.core.agreement.reading``
    entries: int  # entries with two sheets or more (the ones alpha is computed from)


@dataclass(frozen=True)
class JudgeReport:
    judges: list[JudgeRow]
    categories: list[CategoryAgreement]
    page: StandingsPage
    scale: tuple[float, float]


def judge_report(round_: Round) -> JudgeReport:
    """Each judge's habits and the panel's agreement per category, with the standings for the charts."""
    data = load_round_data(round_)
    marks = ranking_input(data).marks
    stats = agreement.judge_statistics(marks)
    offsets = judge_offsets(marks)
    names = judge_names(round_.challenge_id)
    totals: dict[int, list[float]] = {}
    units: dict[int, dict[int, list[float]]] = {}
    for mark in marks:
        totals.setdefault(mark.judge, []).append(mark.total)
        category = data.categories[mark.entry]
        units.setdefault(category, {}).setdefault(mark.entry, []).append(mark.total)
    judges = sorted(
        (
            JudgeRow(
                judge, names.get(judge, "?"), stats[judge], offsets.get(judge, 0.0), sorted(totals[judge])
            )
            for judge in stats
        ),
        key=lambda row: row.name.casefold(),
    )
    categories = []
    for category in round_categories(round_, list(data.categories.values())):
        category_units = units.get(category.id, {})
        alpha = agreement.krippendorff_alpha(category_units)
        pairable = sum(1 for values in category_units.values() if len(values) >= 2)
        categories.append(CategoryAgreement(category, alpha, agreement.reading(alpha), pairable))
    return JudgeReport(judges, categories, standings_page(round_, data=data), scale_of(data.criteria))
