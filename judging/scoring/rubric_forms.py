"""Forms of the rubric editor: they check the shape of what was typed; ``rubric_services`` checks the rules.

The level guide is one textarea with a line per described level ("1: No novelty"), so it works without
JavaScript on any scale; levels outside the scale are refused by the service.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from judging.assignments.models import Round
from judging.scoring.rubric_queries import CriterionDetails, Rescale
from judging.scoring.rubric_services import MAX_SCALE_VALUE

GUIDE_LINE = re.compile(r"^\s*(-?\d+)\s*[:=.)-]\s*(.+?)\s*$")
MAX_WEIGHT = Decimal("99999")


def parse_guide(text: str | None) -> dict[str, str]:
    """The guide typed as "level: text" lines, as {level: text}; raises ValueError naming the bad line."""
    guide: dict[str, str] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = GUIDE_LINE.match(line)
        if match is None:
            raise ValueError(line.strip())
        level = str(int(match.group(1)))
        if level in guide:
            raise ValueError(line.strip())
        guide[level] = match.group(2)
    return dict(sorted(guide.items(), key=lambda item: int(item[0])))


def guide_items(guide: dict[str, str] | None) -> list[tuple[str, str]]:
    """The guide's (level, text) pairs from the lowest level up (levels are stored as strings)."""
    return sorted((guide or {}).items(), key=lambda item: int(item[0]))


def guide_text(guide: dict[str, str] | None) -> str:
    """The guide as the textarea shows it."""
    return "\n".join(f"{level}: {text}" for level, text in guide_items(guide))


def plain_weight(weight: Decimal) -> Decimal:
    """A weight without trailing zeros or an exponent, as a form shows it ("0.25", "2", "10")."""
    return Decimal(format(Decimal(weight).normalize(), "f"))


def _check_weight_places(form: FlaskForm, field: DecimalField) -> None:
    """A finite number (Decimal reads "NaN" and "Infinity" too) with at most three decimal places."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Enter a number."))
    if field.data is not None and field.data.as_tuple().exponent < -3:
        raise ValidationError(_l("Use at most three decimal places."))


class _ScaleFields(FlaskForm):
    scale_min = IntegerField(
        _l("Lowest level"), validators=[InputRequired(), NumberRange(min=0, max=MAX_SCALE_VALUE)]
    )
    scale_max = IntegerField(
        _l("Highest level"), validators=[InputRequired(), NumberRange(min=0, max=MAX_SCALE_VALUE)]
    )
    weight = DecimalField(
        _l("Weight"),
        places=None,
        validators=[InputRequired(), _check_weight_places, NumberRange(min=0, max=MAX_WEIGHT)],
        description=_l("How much a mark counts in the total: the total is the sum of weight × mark."),
    )
    independent = BooleanField(
        _l("Independent: shown and marked, but left out of the total"),
    )


class CriterionForm(_ScaleFields):
    """Add or edit a criterion. ``locked`` disables the scale, weight and independence (marks exist)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    guide = TextAreaField(
        _l("Level guide"),
        validators=[Optional(), Length(max=5000)],
        description=_l("One line per level you describe, e.g. “1: No novelty” then “5: A new approach”."),
    )
    required = BooleanField(_l("Required: a sheet cannot be submitted without this mark"), default=True)
    acknowledge = BooleanField(
        _l("I understand that sheets already marked have no mark for the new criterion"),
    )

    def __init__(self, *args, locked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.locked = locked
        if locked:
            for name in ("scale_min", "scale_max", "weight", "independent"):
                self[name].render_kw = {"disabled": True}
                self[name].validators = []
                self[name].flags.required = False

    def validate_guide(self, field: TextAreaField) -> None:
        try:
            parse_guide(field.data)
        except ValueError as error:
            raise ValidationError(
                _(
                    "Write each line as “level: text” with each level once (this line: “%(line)s”).",
                    line=str(error),
                )
            ) from error

    def details(self, keep: CriterionDetails | None = None) -> CriterionDetails:
        """What was typed; the locked fields keep the values of ``keep`` (browsers do not send them)."""
        return CriterionDetails(
            name=self.name.data.strip(),
            description=(self.description.data or "").strip() or None,
            guide=parse_guide(self.guide.data),
            scale_min=keep.scale_min if keep and self.locked else self.scale_min.data,
            scale_max=keep.scale_max if keep and self.locked else self.scale_max.data,
            weight=keep.weight if keep and self.locked else self.weight.data,
            required=bool(self.required.data),
            independent=keep.independent if keep and self.locked else bool(self.independent.data),
        )


class RescaleForm(_ScaleFields):
    """The audited change of a criterion's scale, weight and independence."""

    def change(self) -> Rescale:
        return Rescale(
            scale_min=self.scale_min.data,
            scale_max=self.scale_max.data,
            weight=self.weight.data,
            independent=bool(self.independent.data),
        )


class CopyForm(FlaskForm):
    """Choose a round (of any challenge the organiser runs) whose criteria to copy."""

    source = SelectField(_l("Copy the criteria of"), coerce=int, validators=[InputRequired()])
    replace = BooleanField(_l("Replace the current criteria"))

    def __init__(self, *args, rounds: list[Round], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source.choices = [(round_.id, f"{round_.challenge.title} · {round_.name}") for round_ in rounds]
