"""Forms of conflicts of interest: a judge's declaration, an organiser's addition, and the list filters.

Forms check shape (which entry, which reason, how long a note); ``conflict_services`` checks the rules.
Names of reasons and sources shown to users live here too (``conflict_label``).
"""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from judging.assignments.conflict_services import JUDGE_REASONS, NOTE_MAX_LENGTH
from judging.assignments.models import ConflictReason, ConflictSource, Judge
from judging.submissions.models import Submission

LABELS: dict[enum.Enum, Any] = {
    ConflictReason.EMPLOYER: _l("Employer (now or recently)"),
    ConflictReason.INVESTOR: _l("Investor"),
    ConflictReason.ADVISER: _l("Adviser or mentor"),
    ConflictReason.COMPETITOR: _l("Competitor"),
    ConflictReason.PERSONAL: _l("Personal relationship"),
    ConflictReason.OTHER: lazy_pgettext("conflict reason", "Other"),
    ConflictReason.SAME_ORGANISATION: _l("Same organisation"),
    ConflictReason.EMAIL_DOMAIN: _l("Same email domain"),
    ConflictReason.MEMBER: _l("Member of the entrant's organisation"),
    ConflictReason.SAME_COUNTRY: _l("Same country"),
    ConflictSource.DECLARED: _l("Declared by the judge"),
    ConflictSource.ORGANISER: _l("Added by an organiser"),
    ConflictSource.DETECTED: _l("Detected"),
}


def conflict_label(value: enum.Enum | str | None) -> str:
    """The reader-language name of a conflict reason or source (given as member or stored value)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = _member(value)
        if value is None:
            return ""
    return str(LABELS.get(value, value.value))


def _member(value: str) -> enum.Enum | None:
    for enum_cls in (ConflictReason, ConflictSource):
        try:
            return enum_cls(value)
        except ValueError:
            continue
    return None


def _reason_choices() -> list[tuple[str, str]]:
    return [(reason.value, conflict_label(reason)) for reason in JUDGE_REASONS]


class _ReasonAndNote:
    """Reason and note, shared by the judge's and the organiser's forms."""

    note = TextAreaField(
        _l("Note for the organisers"),
        validators=[Optional(), Length(max=NOTE_MAX_LENGTH)],
        description=_l("Optional. Say briefly what the link is."),
        render_kw={"rows": 3},
    )

    def chosen_reason(self) -> ConflictReason | None:
        try:
            return ConflictReason(self.reason.data)  # type: ignore[attr-defined]
        except ValueError:
            return None


class DeclareForm(_ReasonAndNote, FlaskForm):
    """A judge declares a conflict with the entry chosen in the list (carried in a hidden field)."""

    submission_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = RadioField(_l("Reason"), validators=[InputRequired(_l("Choose a reason."))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = _reason_choices()


class AddConflictForm(_ReasonAndNote, FlaskForm):
    """An organiser records a conflict between a judge and an entry of the challenge."""

    judge_id = SelectField(_l("Judge"), coerce=int, validators=[InputRequired(_l("Choose a judge."))])
    submission_id = SelectField(_l("Entry"), coerce=int, validators=[InputRequired(_l("Choose an entry."))])
    reason = SelectField(_l("Reason"), validators=[InputRequired(_l("Choose a reason."))])

    def __init__(self, judges: list[Judge], entries: list[Submission], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.judge_id.choices = [(judge.id, f"{judge.name} ({judge.email})") for judge in judges]
        self.submission_id.choices = [
            (entry.id, f"{entry.title} — {entry.organisation.name}") for entry in entries
        ]
        self.reason.choices = _reason_choices()
        self.note.label.text = _l("Note")
        self.note.description = _l("Optional. What the link is and how you learned of it.")


class EntrySearchForm(Form):
    """The judge's text filter over organisation names and titles, read from the query string."""

    q = StringField(_l("Find an entry by organisation or title"), validators=[Optional(), Length(max=200)])


class ConflictFilterForm(Form):
    """The organisers' filters over the conflict list, read from the query string."""

    judge = SelectField(_l("Judge"))
    source = SelectField(_l("Source"))
    state = SelectField(_l("Show"))

    def __init__(self, formdata: Any, judges: list[Judge]) -> None:
        super().__init__(formdata)
        self.judge.choices = [("", str(_l("All judges")))] + [(str(j.id), j.name) for j in judges]
        self.source.choices = [("", str(_l("All sources")))] + [
            (source.value, conflict_label(source)) for source in ConflictSource
        ]
        self.state.choices = [
            ("active", str(_l("Active conflicts"))),
            ("removed", str(_l("Removed conflicts"))),
        ]

    def chosen(self, name: str) -> str | None:
        """The value of a filter when it is one of its choices, else None (no filter)."""
        field = getattr(self, name)
        values = {str(value) for value, _label in field.choices}
        return field.data if field.data and field.data in values else None
