"""The organisers' page for a challenge's texts in other languages (on the ``manage`` blueprint).

``/manage/<slug>/translations`` lists the languages; ``?lang=fr`` shows every translatable text of the
challenge, its categories, its live questions, its rounds and their criteria, each default text beside a box
for its translation. Blank boxes mean "no translation": readers then see the default text.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from judging.challenges import content_languages
from judging.challenges.content_languages import Group
from judging.challenges.manage_views import bp, load_managed, show_error
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.i18n import language_label


class ContentLanguageForm(FlaskForm):
    content_language = SelectField(_l("Written in"))


def _content_language_form(challenge: Challenge) -> ContentLanguageForm:
    form = ContentLanguageForm(data={"content_language": challenge.content_language})
    form.content_language.choices = [(code, language_label(code)) for code in current_app.config["LANGUAGES"]]
    return form


def _translation_form(challenge: Challenge, language: str, sections: list[Group]) -> FlaskForm:
    """A form with one box per translatable text, filled with the current translations on GET."""

    class TranslationForm(FlaskForm):
        pass

    initial: dict[str, str] = {}
    for group in sections:
        for slot in group.slots:
            kind = TextAreaField if slot.multiline else StringField
            setattr(
                TranslationForm, slot.name, kind(slot.label, validators=[Optional(), Length(max=slot.limit)])
            )
            initial[slot.name] = slot.current(language)
    return TranslationForm(data=initial if request.method == "GET" else None)


@bp.route("/<slug>/translations", methods=["GET", "POST"])
@login_required
def translations(slug: str):
    challenge = load_managed(slug)
    language = request.args.get("lang", "")
    targets = content_languages.target_languages(challenge)
    if language not in targets:
        return render_template(
            "manage/translations.html",
            challenge=challenge,
            language=None,
            targets=targets,
            language_form=_content_language_form(challenge),
            error=_("Choose a language from the list.") if language or request.method == "POST" else None,
        )
    sections = content_languages.groups(challenge)
    form = _translation_form(challenge, language, sections)
    if form.validate_on_submit():
        values = {name: field.data or "" for name, field in form._fields.items() if name != "csrf_token"}
        try:
            content_languages.save_translations(challenge, language, values, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("manage.translations", slug=challenge.slug, lang=language))
    return render_template(
        "manage/translations.html",
        challenge=challenge,
        language=language,
        targets=targets,
        sections=sections,
        form=form,
    )


@bp.route("/<slug>/translations/language", methods=["POST"])
@login_required
def content_language(slug: str):
    challenge = load_managed(slug)
    form = _content_language_form(challenge)
    if form.validate_on_submit():
        content_languages.set_content_language(challenge, form.content_language.data, actor=current_user)
        flash(_("Changes saved."), "success")
        return redirect(url_for("manage.translations", slug=challenge.slug))
    return render_template(
        "manage/translations.html",
        challenge=challenge,
        language=None,
        targets=content_languages.target_languages(challenge),
        language_form=form,
        error=None,
    )
