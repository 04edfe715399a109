"""Account and organisation forms: they check the shape of what was typed; services check the rules.

Choices that depend on the reader's language (countries, languages, sectors) are built in ``__init__``.
"""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from judging.accounts.organisation_services import (
    DESCRIPTION_WORD_LIMIT,
    FIRST_FOUNDING_YEAR,
    MAX_EMPLOYEES,
    SECTORS,
    OrganisationDetails,
    website_problem,
)
from judging.accounts.services import MAX_PASSWORD_LENGTH, check_password_rules
from judging.core.text import word_count
from judging.database import utcnow
from judging.errors import DomainError
from judging.i18n import known_zones
from judging.templating import country_choices, language_name

_COUNTRY_FROM_LIST = _l("Choose a country from the list.")
_LANGUAGE_FROM_LIST = _l("Choose a language from the list.")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_BARE_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")


def one_line(value: str | None) -> str | None:
    """Trim, and turn line breaks and other control characters into single spaces."""
    if value is None:
        return None
    return " ".join(_CONTROL.sub(" ", value).split())


def with_scheme(value: str | None) -> str | None:
    """``example.org`` becomes ``https://example.org``; anything else is left for the validator."""
    value = (value or "").strip()
    return "https://" + value if _BARE_DOMAIN.match(value) else value


class PasswordRules:
    """The configured minimum length and the maximum, with the services' own message."""

    field_flags = {"required": True}

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        try:
            check_password_rules(field.data or "")
        except DomainError as error:
            raise ValidationError(error.message) from error


def _email(label: object) -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter a valid email address, such as name@example.org.")),
            Length(max=254),
        ],
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _name(label: object, message: object) -> StringField:
    return StringField(label, validators=[DataRequired(message), Length(max=200)], filters=[one_line])


class Choice(SelectField):
    """A select list (choices set in the form's ``__init__``) that names what to pick when refusing."""

    def __init__(self, label: object, unknown: object, *, required: object = None, **kwargs: object) -> None:
        validators = [DataRequired(required)] if required else [Optional()]
        super().__init__(label, choices=[], validators=validators, **kwargs)
        self.unknown = unknown

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(self.unknown)


def _select(label: object, required: object, unknown: object) -> Choice:
    return Choice(label, unknown, required=required)


def _password(label: object, autocomplete: str, *, rules: bool = False) -> PasswordField:
    validators = [InputRequired(_l("Enter a password."))]
    validators.append(PasswordRules() if rules else Length(max=MAX_PASSWORD_LENGTH))
    return PasswordField(label, validators=validators, render_kw={"autocomplete": autocomplete})


def _confirm(target: str) -> PasswordField:
    return PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(_l("Repeat the password.")), EqualTo(target, _l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


def _countries() -> list[tuple[str, str]]:
    return [("", str(_l("Choose a country")))] + country_choices()


def _languages() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in current_app.config["LANGUAGES"]]


class LoginForm(FlaskForm):
    email = _email(_l("Email address"))
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class RegisterForm(FlaskForm):
    name = _name(_l("Your name"), _l("Enter your name."))
    email = _email(_l("Email address"))
    password = _password(_l("Password"), "new-password", rules=True)
    confirm = _confirm("password")
    country = _select(_l("Country"), _l("Choose your country."), _COUNTRY_FROM_LIST)
    language = _select(_l("Preferred language"), _l("Choose a language."), _LANGUAGE_FROM_LIST)
    next = HiddenField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.confirm.label.text = _l("Repeat the password")
        self.country.choices = _countries()
        self.language.choices = _languages()
        if not self.language.data or self.language.data == "None":
            self.language.data = str(get_locale().language)


class ForgotPasswordForm(FlaskForm):
    email = _email(_l("Email address"))


class ResetPasswordForm(FlaskForm):
    password = _password(_l("New password"), "new-password", rules=True)
    confirm = _confirm("password")


class ChangePasswordForm(FlaskForm):
    current_password = _password(_l("Current password"), "current-password")
    new_password = _password(_l("New password"), "new-password", rules=True)
    confirm = _confirm("new_password")


class ChangeEmailForm(FlaskForm):
    email = _email(_l("New email address"))
    password = _password(_l("Your password"), "current-password")


class ProfileForm(FlaskForm):
    name = _name(_l("Your name"), _l("Enter your name."))
    country = Choice(_l("Country"), _COUNTRY_FROM_LIST)
    language = _select(_l("Preferred language"), _l("Choose a language."), _LANGUAGE_FROM_LIST)
    timezone = Choice(
        _l("Time zone"),
        _l("Choose a time zone from the list."),
        description=_l("Times are shown in this zone. Leave it unset to use your browser's zone."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = _countries()
        self.language.choices = _languages()
        self.timezone.choices = [("", str(_l("Not set: use my browser's zone")))] + [
            (zone, zone.replace("_", " ")) for zone in sorted(known_zones())
        ]
        for select in (self.country, self.timezone):
            if select.data is None:
                select.data = ""


class OrganisationForm(FlaskForm):
    name = _name(_l("Legal name"), _l("Enter the organisation's legal name."))
    country = _select(
        _l("Country"), _l("Choose the country where the organisation is registered."), _COUNTRY_FROM_LIST
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), Length(max=500)],
        filters=[with_scheme],
        description=_l("For example https://example.org"),
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )
    employees = IntegerField(
        _l("Number of employees"),
        validators=[
            InputRequired(_l("Enter the number of employees.")),
            NumberRange(1, MAX_EMPLOYEES, _l("Enter a whole number of at least 1.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    founded_year = IntegerField(
        _l("Year founded"), validators=[Optional()], render_kw={"inputmode": "numeric", "maxlength": 4}
    )
    sector = _select(_l("Sector"), _l("Choose a sector."), _l("Choose a sector from the list."))
    description = TextAreaField(
        _l("Short description"),
        validators=[Optional()],
        filters=[lambda value: value.strip() if value else value],
        description=_l(
            "What the organisation does, in at most %(count)d words.", count=DESCRIPTION_WORD_LIMIT
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = _countries()
        self.sector.choices = [("", str(_l("Choose a sector")))] + [
            (code, str(label)) for code, label in SECTORS.items()
        ]
        stored = (self.sector.data or "").lower()
        self.sector.data = stored if stored in SECTORS else ""

    def validate_website(self, field: StringField) -> None:
        if field.data and (problem := website_problem(field.data)):
            raise ValidationError(problem)

    def validate_founded_year(self, field: IntegerField) -> None:
        this_year = utcnow().year
        if field.data is not None and not FIRST_FOUNDING_YEAR <= field.data <= this_year:
            raise ValidationError(
                _l("Enter a year between %(first)d and %(last)d.", first=FIRST_FOUNDING_YEAR, last=this_year)
            )

    def validate_description(self, field: TextAreaField) -> None:
        words = word_count(field.data)
        if words > DESCRIPTION_WORD_LIMIT:
            raise ValidationError(
                _l(
                    "Use at most %(count)d words (you wrote %(words)d).",
                    count=DESCRIPTION_WORD_LIMIT,
                    words=words,
                )
            )

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(
            name=self.name.data or "",
            country=self.country.data or "",
            employees=int(self.employees.data or 0),
            sector=self.sector.data or "",
            website=self.website.data or None,
            founded_year=self.founded_year.data,
            description=self.description.data or None,
        )


class InviteForm(FlaskForm):
    email = _email(_l("Your colleague's email address"))


class CodeField(StringField):
    """A one-time code or recovery code: what was typed is never written back into the page."""

    def _value(self) -> str:
        return ""


def _code(label: object, *, recovery: bool) -> CodeField:
    render_kw = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
    if not recovery:
        render_kw.update(inputmode="numeric", maxlength="7")
    return CodeField(
        label, validators=[InputRequired(_l("Enter the code.")), Length(max=40)], render_kw=render_kw
    )


def _current_password() -> PasswordField:
    return PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class TwoFactorSetupForm(FlaskForm):
    code = _code(_l("The 6-digit code from your app"), recovery=False)
    password = _current_password()


class TwoFactorDisableForm(FlaskForm):
    password = _current_password()
    code = _code(_l("A code from your app, or a recovery code"), recovery=True)


class RecoveryCodesForm(FlaskForm):
    code = _code(_l("The 6-digit code from your app"), recovery=False)


class TwoFactorSignInForm(FlaskForm):
    code = _code(_l("Code"), recovery=True)
