"""Forms of entries: start, the entry form built per challenge, screening and the organisers' filters.

Forms check shape (which field, which choice); the rules (limits, links, completeness, eligibility)
live in ``rules`` and ``services`` so that every way in obeys them. Context comes in through
constructor arguments.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Form, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from judging.challenges.content_languages import choice_label, localized
from judging.challenges.models import Category, EntryQuestion, QuestionKind
from judging.core.lifecycle import SubmissionStatus
from judging.labels import SDG_NAMES, choices, label
from judging.submissions.models import Stage
from judging.submissions.rules import (
    LONG_TEXT_MAX_WORDS,
    LONG_TEXTS,
    SUMMARY_MAX_WORDS,
    TITLE_MAX_LENGTH,
    question_field,
)
from judging.templating import language_name

REQUIRED_TO_SUBMIT = ("summary", *LONG_TEXTS, "sdgs", "stage")


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, text) for value, text in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (works without JavaScript, unlike a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartForm(FlaskForm):
    category = RadioField(_l("Category"), coerce=int, validators=[InputRequired(_l("Choose a category."))])
    title = StringField(
        _l("Title of your entry"),
        validators=[DataRequired(_l("Give your entry a title.")), Length(max=TITLE_MAX_LENGTH)],
        description=_l("You can change it later."),
    )

    def __init__(self, categories: list[Category], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [
            SelectChoice(category.id, localized(category, "name")) for category in categories
        ]


class EntryForm(FlaskForm):
    """The fixed part of the entry form; ``entry_form`` adds the challenge's own questions."""

    title = StringField(_l("Title"), validators=[Length(max=TITLE_MAX_LENGTH)])
    summary = TextAreaField(_l("Summary"))
    problem = TextAreaField(_l("The problem you solve"))
    solution = TextAreaField(_l("Your solution"))
    business_model = TextAreaField(_l("Business model"))
    impact = TextAreaField(_l("Impact"))
    sdgs = MultiCheckboxField(_l("Sustainable Development Goals addressed"), coerce=int)
    stage = RadioField(_l("Stage"), validators=[Optional()])
    language = SelectField(_l("Language of the entry"), validators=[Optional()])
    video_url = URLField(_l("Video link"))
    deck = FileField(_l("Pitch deck (PDF)"), render_kw={"accept": "application/pdf,.pdf"})

    questions: list[EntryQuestion]

    def entry_data(self) -> dict[str, Any]:
        """The typed values in the shape ``services.save_entry`` takes."""
        data = {
            name: getattr(self, name).data
            for name in ("title", "summary", *LONG_TEXTS, "sdgs", "stage", "video_url", "language")
        }
        data["answers"] = {
            question.id: getattr(self, question_field(question)).data for question in self.questions
        }
        return data


def entry_form(
    questions: list[EntryQuestion], *, max_deck_bytes: int, values: dict[str, Any] | None = None
) -> EntryForm:
    """The entry form with one field per question; ``values`` fill it when nothing was posted."""
    from judging.submissions.storage import size_label

    form_class = type("ChallengeEntryForm", (EntryForm,), {})
    for question in questions:
        setattr(form_class, question_field(question), _question_field(question))
    data = None
    if values is not None:
        data = dict(values)
        data["stage"] = (
            values["stage"].value if isinstance(values.get("stage"), Stage) else values.get("stage")
        )
        for question_id, value in (values.get("answers") or {}).items():
            data[f"q_{question_id}"] = value
    form = form_class(data=data)
    form.questions = questions
    form.sdgs.choices = [SelectChoice(goal, f"{goal}. {name}") for goal, name in SDG_NAMES.items()]
    form.stage.choices = options(choices(Stage))
    form.language.choices = [
        SelectChoice(code, language_name(code)) for code in current_app.config["LANGUAGES"]
    ]
    form.language.description = _("Judges who read this language are preferred.")
    form.summary.description = _("One paragraph, at most %(num)d words.", num=SUMMARY_MAX_WORDS)
    for name in LONG_TEXTS:
        getattr(form, name).description = _("At most %(num)d words.", num=LONG_TEXT_MAX_WORDS)
    form.video_url.description = _(
        "Optional. A link starting with https://, for example to YouTube or Vimeo."
    )
    form.deck.description = _(
        "PDF only, at most %(limit)s. Needed before you submit; a new file replaces the current one.",
        limit=size_label(max_deck_bytes),
    )
    for name in ("title", *REQUIRED_TO_SUBMIT):
        getattr(form, name).flags.required = True
    for question in questions:
        if question.required:
            getattr(form, question_field(question)).flags.required = True
    return form


def _question_field(question: EntryQuestion):
    hints = [localized(question, "help_text")] if question.help_text else []
    kind = question.kind
    text = localized(question, "label")
    if kind is QuestionKind.SHORT_TEXT:
        if question.max_length:
            hints.append(_("At most %(num)d characters.", num=question.max_length))
        return StringField(text, description=" ".join(hints))
    if kind is QuestionKind.LONG_TEXT:
        if question.max_words:
            hints.append(_("At most %(num)d words.", num=question.max_words))
        return TextAreaField(text, description=" ".join(hints))
    if kind is QuestionKind.SINGLE_CHOICE:
        offered = [SelectChoice(choice, choice_label(question, choice)) for choice in question.choices or []]
        return RadioField(text, choices=offered, validators=[Optional()], description=" ".join(hints))
    if kind is QuestionKind.MULTIPLE_CHOICE:
        offered = [SelectChoice(choice, choice_label(question, choice)) for choice in question.choices or []]
        return MultiCheckboxField(text, choices=offered, description=" ".join(hints))
    if kind is QuestionKind.NUMBER:
        if question.min_value is not None and question.max_value is not None:
            hints.append(
                _("A number from %(low)g to %(high)g.", low=question.min_value, high=question.max_value)
            )
        return StringField(text, widget=NumberInput(step="any"), description=" ".join(hints))
    hints.append(_("A full web address starting with https:// or http://."))
    return URLField(text, description=" ".join(hints))


class ScreenForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("eligible", _l("Eligible")), SelectChoice("ineligible", _l("Not eligible"))],
        validators=[InputRequired(_l("Choose eligible or not eligible."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=2000)],
        description=_l("Required when the entry is not eligible. Seen by the challenge's organisers."),
    )


class FilterForm(Form):
    """The organisers' list filters, read from the query string (no CSRF: it changes nothing)."""

    category = SelectField(_l("Category"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])

    def __init__(self, formdata, categories: list[Category], countries: list[tuple[str, str]]) -> None:
        super().__init__(formdata)
        everything = [SelectChoice("", _("All"))]
        self.category.choices = everything + [SelectChoice(str(item.id), item.name) for item in categories]
        self.status.choices = everything + [
            SelectChoice(status.value, label(status))
            for status in SubmissionStatus
            if status is not SubmissionStatus.DRAFT
        ]
        self.country.choices = everything + options(countries)

    def chosen(self, name: str) -> str | None:
        """The chosen value of a filter, or ``None`` when it is empty or not one of the choices."""
        field = getattr(self, name)
        value = field.data or ""
        return value if value and any(value == choice.value for choice in field.choices) else None
