"""Organisers' pages for a challenge's categories and entry-form questions (on the ``manage`` blueprint).

Lists with add, edit, delete and move up/down buttons; every change is a POST that redirects back.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from judging.challenges import form_services
from judging.challenges.forms import CategoryForm, QuestionForm
from judging.challenges.manage_views import bp, load_managed, show_error
from judging.challenges.models import Category, Challenge, EntryQuestion, QuestionKind
from judging.errors import DomainError
from judging.extensions import db


def _direction() -> form_services.Direction:
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    return direction  # type: ignore[return-value]


def _category(challenge: Challenge, category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None or category.challenge_id != challenge.id:
        abort(404)
    return category


def _question(challenge: Challenge, question_id: int) -> EntryQuestion:
    question = db.session.get(EntryQuestion, question_id)
    if question is None or question.challenge_id != challenge.id or question.retired_at is not None:
        abort(404)
    return question


@bp.route("/<slug>/categories", methods=["GET", "POST"])
@login_required
def categories(slug: str):
    challenge = load_managed(slug)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = form_services.add_category(
                challenge, name=form.name.data, description=form.description.data, actor=current_user
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Category “%(name)s” added.", name=category.name), "success")
            return redirect(url_for("manage.categories", slug=challenge.slug))
    counts = {category.id: form_services.category_entry_count(category) for category in challenge.categories}
    return render_template("manage/categories.html", challenge=challenge, form=form, counts=counts)


@bp.route("/<slug>/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category(slug: str, category_id: int):
    challenge = load_managed(slug)
    category = _category(challenge, category_id)
    form = CategoryForm(obj=category if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            form_services.update_category(
                category, name=form.name.data, description=form.description.data, actor=current_user
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Category saved."), "success")
            return redirect(url_for("manage.categories", slug=challenge.slug))
    return render_template("manage/category.html", challenge=challenge, category=category, form=form)


@bp.route("/<slug>/categories/<int:category_id>/delete", methods=["POST"])
@login_required
def delete_category(slug: str, category_id: int):
    challenge = load_managed(slug)
    category = _category(challenge, category_id)
    name = category.name
    try:
        form_services.delete_category(category, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Category “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("manage.categories", slug=challenge.slug))


@bp.route("/<slug>/categories/<int:category_id>/move", methods=["POST"])
@login_required
def move_category(slug: str, category_id: int):
    challenge = load_managed(slug)
    category = _category(challenge, category_id)
    form_services.move_category(category, _direction(), actor=current_user)
    return redirect(url_for("manage.categories", slug=challenge.slug, _anchor=f"category-{category.id}"))


@bp.route("/<slug>/questions")
@login_required
def questions(slug: str):
    challenge = load_managed(slug)
    retired = [question for question in challenge.questions if question.retired_at is not None]
    return render_template(
        "manage/questions.html",
        challenge=challenge,
        questions=form_services.active_questions(challenge),
        retired=retired,
        kinds=QuestionKind,
    )


def _spec(form: QuestionForm) -> form_services.QuestionSpec:
    return form_services.QuestionSpec(
        label=form.label.data,
        kind=QuestionKind(form.kind.data),
        required=form.required.data,
        help_text=form.help_text.data,
        max_length=form.max_length.data,
        max_words=form.max_words.data,
        choices=form.choice_list(),
        min_value=form.min_value.data,
        max_value=form.max_value.data,
        category_ids=form.categories.data or [],
    )


@bp.route("/<slug>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(slug: str):
    challenge = load_managed(slug)
    form = QuestionForm(challenge)
    if form.validate_on_submit():
        try:
            form_services.add_question(challenge, _spec(form), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Question added to the entry form."), "success")
            return redirect(url_for("manage.questions", slug=challenge.slug))
    return render_template("manage/question.html", challenge=challenge, form=form, question=None)


@bp.route("/<slug>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(slug: str, question_id: int):
    challenge = load_managed(slug)
    question = _question(challenge, question_id)
    initial = None
    if request.method == "GET":
        initial = {
            "label": question.label,
            "help_text": question.help_text,
            "kind": question.kind.value,
            "required": question.required,
            "max_length": question.max_length,
            "max_words": question.max_words,
            "choices": "\n".join(question.choices or ()),
            "min_value": question.min_value,
            "max_value": question.max_value,
            "categories": [category.id for category in question.categories],
        }
    form = QuestionForm(challenge, data=initial)
    if form.validate_on_submit():
        try:
            form_services.update_question(question, _spec(form), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Question saved."), "success")
            return redirect(url_for("manage.questions", slug=challenge.slug))
    return render_template("manage/question.html", challenge=challenge, form=form, question=question)


@bp.route("/<slug>/questions/<int:question_id>/delete", methods=["POST"])
@login_required
def delete_question(slug: str, question_id: int):
    challenge = load_managed(slug)
    question = _question(challenge, question_id)
    if form_services.delete_question(question, actor=current_user) == "retired":
        flash(
            _("The question has answers, so it was retired: hidden from the form, answers kept."), "success"
        )
    else:
        flash(_("Question deleted."), "success")
    return redirect(url_for("manage.questions", slug=challenge.slug))


@bp.route("/<slug>/questions/<int:question_id>/move", methods=["POST"])
@login_required
def move_question(slug: str, question_id: int):
    challenge = load_managed(slug)
    question = _question(challenge, question_id)
    form_services.move_question(question, _direction(), actor=current_user)
    return redirect(url_for("manage.questions", slug=challenge.slug, _anchor=f"question-{question.id}"))
