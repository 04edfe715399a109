"""Forms about judges and rounds: they check the shape of what was typed; services check the rules.

Choices that depend on the challenge (categories) or the reader's language (countries, languages) are
built in ``__init__``.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, NumberRange, Optional

from judging import i18n
from judging.accounts.forms import PasswordRules, one_line
from judging.assignments.judge_details import LANGUAGE_CODES, MAX_CAPACITY, UN_LANGUAGES, JudgeDetails
from judging.challenges.forms import DATETIME_FORMATS, MultiCheckboxField, options
from judging.challenges.models import Challenge
from judging.templating import country_choices


def language_label(code: str) -> str:
    """A judge's language in the reader's language, with its own name when that differs."""
    return i18n.language_label(code, own_name=True)


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def language_choices() -> list[SelectChoice]:
    """The six UN languages first, then every other ISO 639-1 language, A–Z in the reader's language."""
    labels = {code: language_label(code) for code in LANGUAGE_CODES}
    others = sorted(
        (code for code in LANGUAGE_CODES if code not in UN_LANGUAGES), key=lambda c: _sort_key(labels[c])
    )
    groups = ((str(_l("United Nations languages")), UN_LANGUAGES), (str(_l("Other languages")), others))
    return [
        SelectChoice(value=code, label=labels[code], optgroup=group)
        for group, codes in groups
        for code in codes
    ]


def _country_choices() -> list[SelectChoice]:
    return options([("", str(_l("Not given")))] + country_choices())


class _JudgeFields(FlaskForm):
    """Expertise, languages, capacity, affiliation and country: what judges and organisers both set."""

    expertise = MultiCheckboxField(_l("Expertise"), coerce=int, description=_l("Categories they can judge."))
    languages = SelectMultipleField(
        _l("Languages"),
        description=_l("Languages entries can be judged in. Hold Ctrl (⌘ on a Mac) to select several."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            InputRequired(_l("Enter how many entries at most.")),
            NumberRange(1, MAX_CAPACITY, _l("Enter a whole number from 1 to %(max)d.", max=MAX_CAPACITY)),
        ],
        default=10,
        description=_l("The largest number of entries to judge in this challenge."),
        render_kw={"inputmode": "numeric"},
    )
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), Length(max=200)], filters=[one_line])
    country = SelectField(_l("Country"), validators=[Optional()])

    def __init__(self, challenge: Challenge, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.expertise.choices = options([(category.id, category.name) for category in challenge.categories])
        self.languages.choices = language_choices()
        self.country.choices = _country_choices()
        if self.country.data is None:
            self.country.data = ""

    def details(self, *, name: str, email: str) -> JudgeDetails:
        return JudgeDetails(
            name=name,
            email=email,
            expertise=tuple(self.expertise.data or ()),
            languages=tuple(self.languages.data or ()),
            capacity=int(self.capacity.data or 0),
            affiliation=self.affiliation.data or None,
            country=self.country.data or None,
        )


class JudgeForm(_JudgeFields):
    """An organiser invites a judge or edits one."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the judge's name.")), Length(max=200)],
        filters=[one_line],
    )
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter the judge's email address.")),
            Email(_l("Enter a valid email address, such as name@example.org.")),
            Length(max=254),
        ],
        filters=[lambda value: value.strip() if value else value],
    )

    def judge_details(self) -> JudgeDetails:
        return self.details(name=self.name.data or "", email=self.email.data or "")


class JudgeProfileForm(_JudgeFields):
    """A judge confirms what the organisers entered about them."""

    def __init__(self, challenge: Challenge, *args: object, **kwargs: object) -> None:
        super().__init__(challenge, *args, **kwargs)
        self.expertise.description = _l("The categories you can judge.")
        self.languages.description = _l(
            "The languages you can judge entries in. Hold Ctrl (⌘ on a Mac) to select several."
        )
        self.capacity.description = _l("The largest number of entries you can judge in this challenge.")
        self.affiliation.description = _l("Your employer or institution, as shown to the organisers.")


class ImportJudgesForm(FlaskForm):
    csv_text = TextAreaField(
        _l("Paste CSV"),
        description=_l(
            "First line: name,email,expertise,languages,capacity,affiliation,country. "
            "Separate several categories or languages with semicolons (;)."
        ),
        render_kw={"rows": 10, "spellcheck": "false"},
    )
    csv_file = FileField(_l("Or upload a CSV file"), description=_l("UTF-8 text, as saved by “CSV UTF-8”."))


class JuryTermsForm(FlaskForm):
    judging_terms = TextAreaField(
        _l("Judging terms"),
        description=_l(
            "Markdown. Judges accept these before they see any entry. Leave empty for the default."
        ),
        render_kw={"rows": 12},
    )
    conflict_same_country = BooleanField(_l("Judges never judge entries from their own country"))


class AcceptTermsForm(FlaskForm):
    agree = BooleanField(
        _l("I have read these terms and agree to them"),
        validators=[DataRequired(_l("Tick the box to agree to the terms."))],
    )


class NewJudgeAccountForm(FlaskForm):
    """Accepting an invitation without an account: the link proves the address, so no email field."""

    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=200)],
        filters=[one_line],
    )
    password = PasswordField(
        _l("Choose a password"),
        validators=[InputRequired(_l("Enter a password.")), PasswordRules()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class RoundForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Name the round.")), Length(max=120)],
        filters=[one_line],
        description=_l("For example Screening, Semi-final or Final."),
    )
    judges_per_entry = IntegerField(
        _l("Judges per entry"),
        validators=[
            InputRequired(_l("Enter how many judges read each entry.")),
            NumberRange(1, 20, _l("Enter a whole number from 1 to 20.")),
        ],
        default=3,
        render_kw={"inputmode": "numeric"},
    )
    blind = BooleanField(
        _l("Blind judging"),
        description=_l("Hide organisation, people, website and file metadata from judges."),
    )
    bridge_judges = BooleanField(
        _l("Bridge judges"),
        description=_l(
            "Give each entry one judge from outside its category, so that judges' strictness can be "
            "compared across category panels and all scores put on one scale."
        ),
    )
    opens_at = DateTimeLocalField(
        _l("Judging opens"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("In the challenge's time zone."),
    )
    closes_at = DateTimeLocalField(
        _l("Judging closes"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("In the challenge's time zone."),
    )
