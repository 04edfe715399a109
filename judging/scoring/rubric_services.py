"""Use cases of a round's rubric: add, edit, reorder, delete or retire, restore, start from the default
rubric or a copy of another round's, and rescale once marks exist.

Once any mark exists for the round, a criterion's scale and weight and whether it counts in the total
change only through ``rescale_criterion`` (or retiring/restoring with the organiser's confirmation): each
tells which sheets' totals move, and writes one audit row listing every changed total. Criteria that marks
refer to are retired, never deleted. Every change is audited; every use case commits once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, exists, func, select

from judging.accounts.models import User
from judging.assignments.models import Round
from judging.audit import changes, record
from judging.core.scoring import default_rubric
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.scoring.models import Criterion, Score
from judging.scoring.rubric_queries import (
    CriterionDetails,
    Preview,
    Rescale,
    criteria_of,
    preview_rescale,
    preview_restore,
    preview_retire,
    round_has_marks,
)

MAX_SCALE_VALUE = 100


# Checks --------------------------------------------------------------------------------------------


def _check_details(details: CriterionDetails | Rescale) -> None:
    if details.scale_min >= details.scale_max:
        raise DomainError(_("The highest level must be above the lowest."), field="scale_max")
    if details.scale_min < 0 or details.scale_max > MAX_SCALE_VALUE:
        raise DomainError(_("Levels go from 0 to %(max)d.", max=MAX_SCALE_VALUE), field="scale_max")
    if details.weight < 0:
        raise DomainError(_("The weight cannot be negative."), field="weight")
    if isinstance(details, CriterionDetails):
        outside = [
            level for level in details.guide if not details.scale_min <= int(level) <= details.scale_max
        ]
        if outside:
            raise DomainError(
                _(
                    "The guide describes levels outside the scale %(low)d–%(high)d: %(levels)s.",
                    low=details.scale_min,
                    high=details.scale_max,
                    levels=", ".join(outside),
                ),
                field="guide",
            )


def _lock(round_: Round) -> None:
    """Serialise rubric changes with judges' saves: on PostgreSQL, lock the round's row (judges' writes
    lock it too) so that the marks read next are the latest; SQLite writes are serialised already."""
    db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())


def _audit(action: str, obj: Any, round_: Round, actor: User, **values: Any) -> None:
    record(action, obj, actor=actor, challenge_id=round_.challenge_id, **values)


def _snapshot(criterion: Criterion) -> dict[str, Any]:
    return {
        "round_id": criterion.round_id,
        "name": criterion.name,
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "weight": str(criterion.weight),
        "required": criterion.required,
        "independent": criterion.independent,
    }


def _totals(preview: Preview) -> list[dict[str, Any]]:
    return [
        {
            "sheet_id": row.sheet_id,
            "old": None if row.old is None else str(row.old),
            "new": None if row.new is None else str(row.new),
        }
        for row in preview.changes
    ]


# Use cases -----------------------------------------------------------------------------------------


def add_criterion(
    round_: Round, details: CriterionDetails, *, actor: User, acknowledged: bool = False
) -> Criterion:
    """Append a criterion to the round's rubric. Once marks exist, a counted criterion needs the organiser's
    acknowledgement (sheets already marked have no mark for it). Audited."""
    _lock(round_)
    _check_details(details)
    if not details.independent and not acknowledged and round_has_marks(round_):
        raise DomainError(
            _("Judges have already marked entries in this round: confirm that you want to add a criterion."),
            field="acknowledge",
        )
    last = db.session.scalar(select(func.max(Criterion.position)).where(Criterion.round_id == round_.id))
    criterion = Criterion(round=round_, position=(last if last is not None else -1) + 1, **vars(details))
    db.session.add(criterion)
    db.session.flush()
    _audit("criterion.added", criterion, round_, actor, after=_snapshot(criterion))
    db.session.commit()
    return criterion


def update_criterion(criterion: Criterion, details: CriterionDetails, *, actor: User) -> None:
    """Save a criterion's texts and settings. Once the round has marks, the scale, weight and whether it
    counts are locked here (``rescale_criterion`` changes them). Audited when anything changed."""
    if criterion.retired_at is not None:
        raise DomainError(_("Restore the criterion before editing it."))
    _lock(criterion.round)
    locked = {"scale_min", "scale_max", "weight", "independent"}
    values = vars(details)
    if round_has_marks(criterion.round) and any(values[name] != getattr(criterion, name) for name in locked):
        raise DomainError(
            _("Judges have already marked this round: change the scale or weight with “Rescale”."),
            field="weight",
        )
    _check_details(details)
    values = {**values, "weight": Decimal(details.weight)}
    before, after = changes(criterion, values)
    if not after:
        return
    for name, value in values.items():
        setattr(criterion, name, value)
    _audit(
        "criterion.changed",
        criterion,
        criterion.round,
        actor,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    db.session.commit()


def move_criterion(criterion: Criterion, direction: str, *, actor: User) -> None:
    """Swap a criterion with its neighbour above ("up") or below ("down"); positions renumbered 0…n−1."""
    ordered = criteria_of(criterion.round)
    if criterion not in ordered or direction not in ("up", "down"):
        raise DomainError(_("This criterion cannot be moved."))
    index = ordered.index(criterion)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    before = [item.id for item in criteria_of(criterion.round)]
    for position, item in enumerate(ordered):
        item.position = position
    _audit(
        "criterion.moved",
        criterion,
        criterion.round,
        actor,
        before={"order": before},
        after={"order": [item.id for item in ordered]},
    )
    db.session.commit()


def delete_criterion(criterion: Criterion, *, actor: User) -> bool:
    """Delete the criterion when no mark refers to it; otherwise retire it (marks are kept, the criterion
    leaves the rubric and the totals). Returns True when it was deleted, False when retired. Audited, with
    every total retiring it changed."""
    if criterion.retired_at is not None:
        raise DomainError(_("This criterion is already retired."))
    round_ = criterion.round
    _lock(round_)
    marked = db.session.scalar(select(exists(select(Score.id).where(Score.criterion_id == criterion.id))))
    if not marked:
        _audit("criterion.deleted", criterion, round_, actor, before=_snapshot(criterion))
        db.session.delete(criterion)
        db.session.commit()
        return True
    preview = preview_retire(criterion)
    criterion.retired_at = utcnow()
    _audit(
        "criterion.retired",
        criterion,
        round_,
        actor,
        before={"retired_at": None},
        after={"retired_at": criterion.retired_at, "totals": _totals(preview)},
    )
    db.session.commit()
    return False


def restore_criterion(criterion: Criterion, *, actor: User) -> None:
    """Bring a retired criterion back at the end of the rubric. Audited, with every total it changes."""
    if criterion.retired_at is None:
        raise DomainError(_("This criterion is not retired."))
    round_ = criterion.round
    _lock(round_)
    preview = preview_restore(criterion)
    last = db.session.scalar(
        select(func.max(Criterion.position)).where(
            Criterion.round_id == round_.id, Criterion.retired_at.is_(None)
        )
    )
    before = criterion.retired_at
    criterion.retired_at = None
    criterion.position = (last if last is not None else -1) + 1
    _audit(
        "criterion.restored",
        criterion,
        round_,
        actor,
        before={"retired_at": before},
        after={"retired_at": None, "totals": _totals(preview)},
    )
    db.session.commit()


def rescale_criterion(criterion: Criterion, change: Rescale, *, actor: User) -> Preview:
    """Change a criterion's scale, weight or whether it counts, after the organiser saw which totals move.

    Refused when existing marks would fall outside the new scale (marks are never rewritten). Writes one
    audit row with the old and new settings and every changed total; returns what changed."""
    if criterion.retired_at is not None:
        raise DomainError(_("Restore the criterion before changing its scale."))
    _check_details(change)
    _lock(criterion.round)
    preview = preview_rescale(criterion, change)
    if preview.outside:
        raise DomainError(
            ngettext(
                "%(num)d mark lies outside the new scale: the scale must include every mark already given.",
                "%(num)d marks lie outside the new scale: the scale must include every mark already given.",
                preview.outside,
            ),
            field="scale_min",
        )
    before, after = changes(criterion, vars(change))
    if not after:
        return preview
    for name, value in vars(change).items():
        setattr(criterion, name, value)
    _audit(
        "criterion.rescaled",
        criterion,
        criterion.round,
        actor,
        before=_jsonable(before),
        after={**_jsonable(after), "totals": _totals(preview)},
    )
    db.session.commit()
    return preview


def use_default_rubric(round_: Round, *, actor: User, replace: bool = False) -> list[Criterion]:
    """Give the round the default rubric (Innovation, Impact, Feasibility, Scalability, Team)."""
    items = [{**item, "weight": Decimal(item["weight"])} for item in default_rubric()]
    return _set_rubric(round_, items, actor=actor, replace=replace, source=None)


def copy_rubric(source: Round, target: Round, *, actor: User, replace: bool = False) -> list[Criterion]:
    """Copy the active criteria of ``source`` (any round the actor organises) into ``target``."""
    if source.id == target.id:
        raise DomainError(_("Choose another round to copy from."), field="source")
    items = [
        {name: getattr(criterion, name) for name in CriterionDetails.__dataclass_fields__}
        for criterion in criteria_of(source)
    ]
    if not items:
        raise DomainError(_("That round has no criteria to copy."), field="source")
    return _set_rubric(target, items, actor=actor, replace=replace, source=source)


def _set_rubric(
    round_: Round, items: list[dict[str, Any]], *, actor: User, replace: bool, source: Round | None
) -> list[Criterion]:
    _lock(round_)
    if round_has_marks(round_):
        raise DomainError(_("Judges have already marked this round: its rubric cannot be replaced."))
    existing = db.session.scalars(select(Criterion.id).where(Criterion.round_id == round_.id)).all()
    if existing and not replace:
        raise DomainError(
            _("This round already has criteria: tick “Replace the current criteria” to replace them."),
            field="replace",
        )
    if existing:
        db.session.execute(delete(Criterion).where(Criterion.id.in_(existing)))
    created = []
    for position, item in enumerate(items):
        criterion = Criterion(round=round_, position=position, **item)
        criterion.guide = dict(item.get("guide") or {})
        db.session.add(criterion)
        created.append(criterion)
    db.session.flush()
    _audit(
        "rubric.copied" if source else "rubric.default",
        round_,
        round_,
        actor,
        before={"criteria": len(existing)},
        after={
            "source_round_id": source.id if source else None,
            "criteria": [_snapshot(criterion) for criterion in created],
        },
    )
    db.session.commit()
    return created


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}
