"""Forms of the assignment pages: they check shape; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

MAX_SEED = 2**31 - 1
MAX_CSV_CHARS = 1_000_000


class PreviewForm(FlaskForm):
    keep_existing = BooleanField(
        _l("Keep existing assignments"),
        default=True,
        description=_l(
            "When unticked, automatic assignments not yet scored may be replaced; manual and scored "
            "ones stay."
        ),
    )
    seed = IntegerField(
        _l("Seed"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_SEED)],
        description=_l("The same seed and the same data always give the same assignments."),
    )


class CommitForm(FlaskForm):
    """The parameters of the preview being committed, and the fingerprint of its inputs."""

    keep_existing = HiddenField(validators=[Regexp(r"^[01]$")])
    seed = HiddenField(validators=[Regexp(r"^\d{1,10}$")])
    inputs = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])

    def parameters(self) -> tuple[bool, int]:
        return self.keep_existing.data == "1", min(int(self.seed.data), MAX_SEED)


class AddForm(FlaskForm):
    """Give one judge one entry by hand (also posted by the recusal and conflict pages)."""

    judge_id = IntegerField(_l("Judge"), validators=[InputRequired()])
    submission_id = IntegerField(_l("Entry"), validators=[InputRequired()])
    next = HiddenField(validators=[Optional()])


class SwapForm(FlaskForm):
    judge_id = SelectField(_l("Replace by"), coerce=int, validators=[InputRequired()])

    def __init__(self, choices: list[tuple[int, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.judge_id.choices = choices


class ImportForm(FlaskForm):
    csv_text = TextAreaField(
        _l("Assignments as CSV"),
        validators=[Optional(), Length(max=MAX_CSV_CHARS)],
        description=_l(
            "First line: entry_id,judge_email. Then one line per assignment. A file downloaded from this "
            "page can be edited and imported."
        ),
    )
    csv_file = FileField(_l("Or choose a CSV file"))


class RecuseForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you recuse from this entry?"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("The organisers read this. The entrant does not."),
    )
