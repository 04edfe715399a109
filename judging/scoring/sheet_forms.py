"""The score sheet form: one radio group per criterion (``mark-<criterion id>``), feedback, a private note.

The criteria come from the round, so the form class is built per rubric (``sheet_form``). The form
checks shape only (a mark is one of the criterion's levels, texts not too long); whether every required
criterion is marked to submit is the service's rule. ``version`` travels in a plain hidden input (0 when
no sheet exists yet), read with ``loaded_version``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from judging.scoring.models import Criterion, ScoreSheet

ACTIONS = ("save", "submit", "save_next")
MAX_TEXT = 20_000


class SheetForm(FlaskForm):
    feedback = TextAreaField(
        _l("Feedback for the entrant"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l("The entrant may read this after the results are published. Be specific and kind."),
    )
    private_note = TextAreaField(
        _l("Private note for the organisers"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l("Only the organisers read this. The entrant never sees it."),
    )

    criteria: list[Criterion] = []

    def mark_fields(self):
        return [(criterion, self[mark_name(criterion.id)]) for criterion in self.criteria]

    def typed_marks(self) -> dict[int, int | None]:
        marks: dict[int, int | None] = {}
        for criterion, field in self.mark_fields():
            marks[criterion.id] = field.data if isinstance(field.data, int) else None
        return marks


def mark_name(criterion_id: int) -> str:
    return f"mark-{criterion_id}"


def _coerce(value):
    if value in (None, ""):
        return None
    return int(value)


def sheet_form(criteria: list[Criterion], sheet: ScoreSheet | None = None, **kwargs) -> SheetForm:
    """A bound form for this rubric, filled from the posted data, or else from the stored ``sheet``."""

    class RubricForm(SheetForm):
        pass

    RubricForm.criteria = criteria
    for criterion in criteria:
        setattr(
            RubricForm,
            mark_name(criterion.id),
            RadioField(
                criterion.name,
                choices=[
                    SelectChoice(level, str(level))
                    for level in range(criterion.scale_min, criterion.scale_max + 1)
                ],
                coerce=_coerce,
                validators=[Optional()],
            ),
        )
    if sheet is not None and "formdata" not in kwargs:
        marks = sheet.marks()
        kwargs.update({mark_name(c.id): marks.get(c.id) for c in criteria})
        kwargs.setdefault("feedback", sheet.feedback or "")
        kwargs.setdefault("private_note", sheet.private_note or "")
    return RubricForm(**kwargs)


def loaded_version(raw: str | None) -> int | None:
    """The version the form was loaded with, or None when the field is absent or not a number."""
    try:
        version = int(raw or "")
    except ValueError:
        return None
    return version if version >= 0 else None
