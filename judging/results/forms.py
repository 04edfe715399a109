"""Forms of the shortlisting and decisions pages. Forms check shape; the services check the rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from judging.challenges.forms import finite
from judging.labels import label, outcome_label
from judging.results.decision_services import MAX_LABEL, MAX_WINNERS
from judging.results.models import Outcome

TOP, THRESHOLD, HAND = "top", "threshold", "hand"
MAX_SHORTLIST = 1000


class PreviewForm(FlaskForm):
    """How to choose the entries that go through (read from the query string: a GET form, no CSRF)."""

    class Meta:
        csrf = False

    mode = RadioField(
        _l("Choose the entries"),
        choices=[
            SelectChoice(TOP, _l("The top entries of each category")),
            SelectChoice(THRESHOLD, _l("Every entry with at least a given score")),
            SelectChoice(HAND, _l("By hand")),
        ],
        default=HAND,
    )
    n = IntegerField(
        _l("Entries per category"),
        validators=[Optional(), NumberRange(min=1, max=MAX_SHORTLIST)],
        description=_l("Entries tied at the last place all go through."),
    )
    minimum = FloatField(_l("Lowest score that goes through"), validators=[Optional(), finite])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.mode.data == TOP and self.n.data is None:
            self.n.errors = [*self.n.errors, _l("Enter how many entries of each category go through.")]
            return False
        if self.mode.data == THRESHOLD and self.minimum.data is None:
            self.minimum.errors = [*self.minimum.errors, _l("Enter the lowest score that goes through.")]
            return False
        return True


class AdvanceForm(FlaskForm):
    """The entries that go through: checkboxes (by hand) or hidden inputs (a previewed choice)."""

    entries = SelectMultipleField(_l("Entries that go through"), coerce=int, validate_choice=True)

    def __init__(self, entry_ids: Iterable[int], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entries.choices = [SelectChoice(entry_id, str(entry_id)) for entry_id in entry_ids]


def _outcome_choices(challenge) -> list[SelectChoice]:
    return [
        SelectChoice("", _l("— no decision —")),
        *(SelectChoice(o.value, outcome_label(challenge, o)) for o in Outcome),
    ]


def field_name(submission_id: int) -> str:
    return f"outcome_{submission_id}"


def decisions_form(
    challenge, submission_ids: Iterable[int], data: Mapping[int, Outcome | None] | None = None
):
    """A form with one outcome <select> per entry, named ``outcome_<submission id>``; ``data`` pre-fills
    it on a GET (the staged outcomes, or the suggestion)."""

    class DecisionsForm(FlaskForm):
        def outcomes(self) -> dict[int, Outcome | None]:
            """Submission id -> chosen outcome (None: no decision)."""
            return {
                submission_id: Outcome(self[field_name(submission_id)].data)
                if self[field_name(submission_id)].data
                else None
                for submission_id in ids
            }

    ids = list(submission_ids)
    choices = _outcome_choices(challenge)
    for submission_id in ids:
        setattr(
            DecisionsForm,
            field_name(submission_id),
            SelectField(_l("Outcome"), choices=choices, default="", validate_choice=True),
        )
    defaults = {field_name(k): (v.value if v else "") for k, v in (data or {}).items() if k in ids}
    return DecisionsForm(data=defaults)


def settings_form(challenge, **kwargs):
    """Outcome labels (``label_<outcome value>``), winners per category and feedback to entrants."""

    class ResultsSettingsForm(FlaskForm):
        winners_per_category = IntegerField(
            _l("Winners per category"),
            validators=[InputRequired(), NumberRange(min=1, max=MAX_WINNERS)],
            description=_l("Saving decisions with more winners in a category is refused."),
        )
        feedback_to_entrants = BooleanField(
            _l("Give entrants feedback"),
            description=_l(
                "Once results are published, each entrant sees the average mark per criterion, the "
                "percentile of their entry in its category and the judges' feedback, without judges' names."
            ),
        )

        def labels(self) -> dict[Outcome, str]:
            return {outcome: self[f"label_{outcome.value}"].data or "" for outcome in Outcome}

    for outcome in Outcome:
        setattr(
            ResultsSettingsForm,
            f"label_{outcome.value}",
            StringField(
                label(outcome),
                validators=[Optional(), Length(max=MAX_LABEL)],
                render_kw={"placeholder": label(outcome), "maxlength": MAX_LABEL},
            ),
        )
    data = {
        "winners_per_category": challenge.winners_per_category,
        "feedback_to_entrants": challenge.feedback_to_entrants,
        **{f"label_{o.value}": (challenge.outcome_labels or {}).get(o.value, "") for o in Outcome},
    }
    return ResultsSettingsForm(data=data, **kwargs)
