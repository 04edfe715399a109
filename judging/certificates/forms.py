"""Forms of the organisers' certificate pages. Forms check shape; the services check the rules (image
content, colours) again and refuse with a message on the field."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, ColorField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from judging.certificates.assets import MAX_BYTES
from judging.certificates.design_services import DesignChange

SIGNATORIES = 3
COLOUR_MESSAGE = _l("Give a colour as # and six hexadecimal digits, e.g. #0b3d91.")
IMAGE_HINT = _l("PNG or SVG, at most 512 KB.")
IMAGE_ACCEPT = {"accept": "image/png,image/svg+xml,.png,.svg"}


class DesignForm(FlaskForm):
    title_line = StringField(
        _l("Title line"),
        validators=[Optional(), Length(max=200)],
        description=_l("Printed at the top, e.g. “Certificate of achievement”. Leave empty for the default."),
    )
    signatory_1_name = StringField(_l("First signatory: name"), validators=[Optional(), Length(max=120)])
    signatory_1_title = StringField(_l("First signatory: title"), validators=[Optional(), Length(max=120)])
    signatory_2_name = StringField(_l("Second signatory: name"), validators=[Optional(), Length(max=120)])
    signatory_2_title = StringField(_l("Second signatory: title"), validators=[Optional(), Length(max=120)])
    signatory_3_name = StringField(_l("Third signatory: name"), validators=[Optional(), Length(max=120)])
    signatory_3_title = StringField(_l("Third signatory: title"), validators=[Optional(), Length(max=120)])
    logo = FileField(_l("Logo"), description=IMAGE_HINT, render_kw=IMAGE_ACCEPT)
    remove_logo = BooleanField(_l("Remove the logo"))
    signature = FileField(_l("Signature image"), description=IMAGE_HINT, render_kw=IMAGE_ACCEPT)
    remove_signature = BooleanField(_l("Remove the signature image"))
    primary_colour = ColorField(
        _l("Main colour"), validators=[DataRequired(), Regexp(r"^#[0-9a-fA-F]{6}$", message=COLOUR_MESSAGE)]
    )
    accent_colour = ColorField(
        _l("Accent colour"), validators=[DataRequired(), Regexp(r"^#[0-9a-fA-F]{6}$", message=COLOUR_MESSAGE)]
    )
    participation = BooleanField(_l("Issue participation certificates to every eligible entrant"))
    language = SelectField(_l("Language of the certificates"), default="")

    def __init__(self, *args, **kwargs) -> None:
        from judging.i18n import language_label

        super().__init__(*args, **kwargs)
        self.language.choices = [("", _l("Each recipient's language"))] + [
            (code, language_label(code)) for code in current_app.config["LANGUAGES"]
        ]

    def signatory_pairs(self) -> list[tuple[StringField, StringField]]:
        return [
            (self[f"signatory_{n}_name"], self[f"signatory_{n}_title"]) for n in range(1, SIGNATORIES + 1)
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, title in self.signatory_pairs():
            if (title.data or "").strip() and not (name.data or "").strip():
                name.errors = [*name.errors, _l("Give the name of the person with this title.")]
                valid = False
        return valid

    def fill(self, design) -> None:
        """Show the saved design (on GET)."""
        self.title_line.data = design.title_line or ""
        people = (design.signatories or {}).get("people", [])
        for (name, title), person in zip(self.signatory_pairs(), people, strict=False):
            name.data, title.data = person.get("name", ""), person.get("title", "")
        self.primary_colour.data = design.primary_colour
        self.accent_colour.data = design.accent_colour
        self.participation.data = design.participation

    def change(self) -> DesignChange:
        def upload(field) -> tuple[bytes, str] | None:
            file = field.data
            if file is None or not getattr(file, "filename", ""):
                return None
            return file.read(MAX_BYTES + 1), file.filename  # larger is refused by size

        return DesignChange(
            title_line=self.title_line.data,
            signatories=tuple(
                ((name.data or "").strip(), (title.data or "").strip())
                for name, title in self.signatory_pairs()
            ),
            primary_colour=self.primary_colour.data,
            accent_colour=self.accent_colour.data,
            participation=bool(self.participation.data),
            logo=upload(self.logo),
            signature=upload(self.signature),
            remove_logo=bool(self.remove_logo.data),
            remove_signature=bool(self.remove_signature.data),
        )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why the certificate is revoked.")), Length(max=1000)],
        description=_l("Kept in the audit log; not shown on the verification page."),
    )


class IssueForm(FlaskForm):
    """Issuing certificates (a button; the form carries the CSRF token)."""
