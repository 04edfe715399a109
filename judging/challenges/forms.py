"""The organisers' forms: they check the shape of what was typed; services check the rules."""

from __future__ import annotations

import math
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from judging.challenges.models import Challenge, ChallengeKind, QuestionKind
from judging.i18n import known_zones
from judging.labels import choices as enum_choices
from judging.templating import country_choices

SLUG_SHAPE = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lowercase letters a-z, digits and single hyphens only."),
)
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Brussels", "Europe/Madrid",
    "Europe/Rome", "Europe/Istanbul", "Europe/Moscow", "Africa/Cairo", "Africa/Lagos", "Africa/Nairobi",
    "Africa/Johannesburg", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok",
    "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
    "America/Sao_Paulo", "America/Lima", "America/Bogota", "America/Mexico_City", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles",
)  # fmt: skip
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def options(pairs: list[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select options."""
    return [SelectChoice(value=value, label=text) for value, text in pairs]  # type: ignore[arg-type]


def zone_choices() -> list[SelectChoice]:
    """IANA zones for a select: the common ones first, then every geographic zone A–Z."""
    common = [zone for zone in COMMON_ZONES if zone in known_zones()]
    rest = sorted(
        zone
        for zone in known_zones()
        if "/" in zone
        and zone not in common
        and not zone.startswith(("Etc/", "SystemV/", "US/", "posix", "right/", "Canada/", "Brazil/"))
    )
    groups = ((str(_l("Common time zones")), common), (str(_l("All time zones")), rest))
    return [
        SelectChoice(value=zone, label=zone.replace("_", " "), optgroup=group)
        for group, zones in groups
        for zone in zones
    ]


def split_lines(text: str | None) -> list[str]:
    """Non-empty stripped lines (commas and semicolons also separate, for pasted address lists)."""
    return [part.strip() for part in re.split(r"[\n\r,;]+", text or "") if part.strip()]


def finite(form: FlaskForm, field: FloatField) -> None:
    """Refuse "nan" and "inf", which Python's float() accepts."""
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Enter an ordinary number."))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (usable without JavaScript on any screen)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewChallengeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Web address"),
        validators=[Optional(), Length(max=80), SLUG_SHAPE],
        description=_l("Lowercase letters, digits and hyphens; left empty, it is made from the title."),
    )
    kind = SelectField(_l("Kind"), default=ChallengeKind.CHALLENGE.value)
    timezone = SelectField(_l("Time zone"), default="UTC")
    organisers = TextAreaField(
        _l("Organisers"),
        description=_l("Email addresses of existing accounts, one per line."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options(enum_choices(ChallengeKind))
        self.timezone.choices = zone_choices()


class ChallengeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Web address"), validators=[DataRequired(), Length(max=80), SLUG_SHAPE])
    kind = SelectField(_l("Kind"))
    summary = TextAreaField(
        _l("Summary"), validators=[Optional(), Length(max=500)], description=_l("One or two sentences.")
    )
    description = TextAreaField(_l("Description"), description=_l("Markdown: **bold**, lists, links."))
    rules = TextAreaField(_l("Rules"), description=_l("Markdown."))
    timezone = SelectField(_l("Time zone"))
    opens_at = DateTimeLocalField(
        _l("Entries open"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("In the challenge's time zone."),
    )
    closes_at = DateTimeLocalField(
        _l("Entries close"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("In the challenge's time zone. Entries are refused from this minute on."),
    )
    max_employees = IntegerField(
        _l("Maximum number of employees"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Leave empty for no limit."),
    )
    allowed_countries = SelectMultipleField(
        _l("Allowed countries"), description=_l("Select none to accept every country.")
    )
    max_entries_per_organisation = IntegerField(
        _l("Maximum entries per organisation"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Leave empty for no limit."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options(enum_choices(ChallengeKind))
        self.timezone.choices = zone_choices()
        self.allowed_countries.choices = options(country_choices())


class OrganiserForm(FlaskForm):
    email = StringField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class QuestionForm(FlaskForm):
    """A question of the entry form. ``challenge`` supplies the category checkboxes."""

    label = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    help_text = TextAreaField(_l("Help text"), validators=[Optional(), Length(max=1000)])
    kind = SelectField(_l("Kind of answer"))
    required = BooleanField(_l("An answer is required"))
    max_length = IntegerField(
        _l("Maximum characters (short text)"),
        validators=[Optional(), NumberRange(min=1, max=2000)],
        description=_l("Default: 200."),
    )
    max_words = IntegerField(
        _l("Maximum words (long text)"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Default: 500."),
    )
    choices = TextAreaField(
        _l("Choices (single or multiple choice)"), description=_l("One per line; at least two.")
    )
    min_value = FloatField(_l("Smallest number allowed"), validators=[Optional(), finite])
    max_value = FloatField(_l("Largest number allowed"), validators=[Optional(), finite])
    categories = MultiCheckboxField(
        _l("Ask only in these categories"), coerce=int, description=_l("Tick none to ask in every category.")
    )

    def __init__(self, challenge: Challenge, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options(enum_choices(QuestionKind))
        self.categories.choices = options([(category.id, category.name) for category in challenge.categories])

    def choice_list(self) -> list[str]:
        return [line.strip() for line in (self.choices.data or "").splitlines() if line.strip()]
