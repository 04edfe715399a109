"""Every page passes the accessibility checks that can be made on its HTML (WCAG 2.1 AA), and the stylesheet
gives visible focus, large enough targets and enough contrast. The checks live in ``tests/a11y.py``.

The pages are those of the access table (``tests/access/``): every GET rule is requested, on one populated
fixture world, as every role allowed to see it (a 200 in the table); forms shown again with errors (POST
rules answering 200) are checked too, with the error checks on top, and so are the error pages (400, 401,
404). Each page is fetched once for the module, so the checks stay fast. A few forms are then sent with
bad input to check that every error is tied to its field and listed in a summary.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from judging.extensions import db, limiter
from tests.a11y import (
    autocomplete_problems,
    css_problems,
    form_error_problems,
    page_problems,
    parse,
    shows_field_errors,
)
from tests.access.rules import Rule
from tests.conftest import _empty_database
from tests.factories import ROLES, build_world, login, make_question
from tests.test_access import RULES

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "main.css"


def _rule_id(rule: Rule) -> str:
    return f"{rule.method}-{rule.endpoint}{rule.note}"


PAGE_RULES = [rule for rule in RULES if rule.method == "GET" and 200 in rule.expect.values()]
FORM_RULES = [rule for rule in RULES if rule.method == "POST" and 200 in rule.expect.values()]
# Error pages, as the first role that gets them: a garbled mailed link (400), a form sent after the
# session ended (401, the typed values kept on the page), a missing page (404).
ERROR_RULES = [
    rule
    for rule in RULES
    if (rule.method == "GET" and (400 in rule.expect.values() or rule.note == "-missing"))
    or 401 in rule.expect.values()
]


def _error_status(rule: Rule) -> int:
    return next((code for code in (400, 401) if code in rule.expect.values()), 404)


def _fresh_world():
    db.session.rollback()
    db.session.remove()
    _empty_database()
    return build_world()


def _fetch(client, world, rule: Rule, cache: dict, status: int = 200, roles=ROLES):
    """Fetch the page of ``rule`` as every role allowed to see it; return the world to go on with.

    A rule prepares its URL on the world (a decision, a second round, a closed deadline): when that
    clashes with what an earlier rule prepared, or the page is not shown as the table says, the rule is
    tried again on a fresh world.
    """
    key = _rule_id(rule) + ("" if status == 200 else f"-{status}")
    for attempt in (1, 2):
        try:
            url = rule.url(world)
            data = rule.data(world) if rule.method == "POST" else None
        except Exception as error:  # noqa: BLE001 - any clash with the state left by earlier rules
            if attempt == 2:
                cache[key] = f"could not prepare the page: {error!r}"
                return _fresh_world()
            world = _fresh_world()
            continue
        pages: dict[str, str] = {}
        answers = set()
        for role in roles:
            if rule.expect[role] != status:
                continue
            login(client, world.user(role))
            response = client.open(url, method=rule.method, data=data)
            if response.status_code == status and response.mimetype == "text/html":
                pages[role] = response.get_data(as_text=True)
            else:
                answers.add(f"{response.status_code} {response.mimetype}")
        if all(answer.startswith(f"{status} ") for answer in answers) or attempt == 2:
            break
        world = _fresh_world()
    cache[key] = pages or f"no HTML page: {', '.join(sorted(answers))}"
    return world


@pytest.fixture(scope="module")
def rendered(_app) -> dict[str, dict[str, str] | str]:
    """Every page of the table, as HTML by role; the database is emptied afterwards.

    The pages are rendered with CSRF protection on, as in production (each form then carries its token
    field, whose id must stay unique); forms are posted with it off, as the table does.
    """
    cache: dict[str, dict[str, str] | str] = {}
    csrf = _app.config["WTF_CSRF_ENABLED"]
    with _app.app_context():
        try:
            world = build_world()
            client = _app.test_client()
            _app.config["WTF_CSRF_ENABLED"] = True
            for rule in PAGE_RULES:
                world = _fetch(client, world, rule, cache)
            _app.config["WTF_CSRF_ENABLED"] = csrf
            for rule in ERROR_RULES:
                status = _error_status(rule)
                first = next(role for role in ROLES if rule.expect[role] == status)
                world = _fetch(client, world, rule, cache, status=status, roles=[first])
            for rule in FORM_RULES:
                world = _fetch(client, world, rule, cache)
        finally:
            _app.config["WTF_CSRF_ENABLED"] = csrf
            db.session.remove()
            _empty_database()
            for key in ("OUTBOX_FOLDER", "UPLOAD_FOLDER"):
                shutil.rmtree(_app.config[key], ignore_errors=True)
            limiter.reset()
    return cache


def _report(pages: dict[str, str], check) -> list[str]:
    """The problems of every role's version of the page, each once, with the roles that showed it."""
    found: dict[str, list[str]] = {}
    for role, html in pages.items():
        for problem in check(html):
            found.setdefault(str(problem), []).append(role)
    return [f"{problem}  [{', '.join(roles)}]" for problem, roles in found.items()]


def _pages(rendered, rule: Rule, status: int = 200) -> dict[str, str]:
    pages = rendered[_rule_id(rule) + ("" if status == 200 else f"-{status}")]
    if isinstance(pages, str):
        if pages.startswith("no HTML page"):
            pytest.skip(pages)
        pytest.fail(pages)
    return pages


# Pages asking for the reader's own details, and the autocomplete purpose of each such field (WCAG 1.3.5).
OWN_DETAILS = {
    "GET-accounts.register": {
        "name": "name",
        "email": "email",
        "password": "new-password",
        "country": "country",
    },
    "GET-accounts.login": {"email": "email", "password": "current-password"},
    "GET-accounts.profile": {"name": "name", "country": "country"},
    "GET-judging.invitation-new-person": {"name": "name", "password": "new-password"},
    "GET-judging.profile": {"affiliation": "organization", "country": "country"},
    "GET-accounts.create_organisation": {"name": "organization"},
    "GET-accounts.edit_organisation": {"name": "organization"},
}


def test_pages_asking_for_own_details_were_rendered(rendered):
    assert [key for key in OWN_DETAILS if not isinstance(rendered.get(key), dict)] == []


@pytest.mark.parametrize("rule", PAGE_RULES, ids=_rule_id)
def test_page_is_accessible(rendered, rule: Rule):
    purposes = OWN_DETAILS.get(_rule_id(rule), {})

    def check(html: str) -> list:
        return page_problems(html) + autocomplete_problems(html, purposes)

    problems = _report(_pages(rendered, rule), check)
    assert not problems, f"{rule.method} {_rule_id(rule)}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("rule", ERROR_RULES, ids=lambda rule: f"{_rule_id(rule)}-{_error_status(rule)}")
def test_error_page_is_accessible(rendered, rule: Rule):
    problems = _report(_pages(rendered, rule, _error_status(rule)), page_problems)
    assert not problems, f"{_rule_id(rule)} ({_error_status(rule)}):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("rule", FORM_RULES, ids=_rule_id)
def test_form_shown_again_is_accessible(rendered, rule: Rule):
    pages = _pages(rendered, rule)

    def check(html: str) -> list:
        return page_problems(html) + (form_error_problems(html) if shows_field_errors(html) else [])

    problems = _report(pages, check)
    assert not problems, f"{rule.method} {_rule_id(rule)}:\n  " + "\n  ".join(problems)


def test_every_page_of_the_table_was_checked(rendered):
    """Most GET rules give an HTML page to someone: a silent skip of many would hide pages from the checks."""
    html_pages = [key for key, pages in rendered.items() if isinstance(pages, dict)]
    assert len(html_pages) >= 0.8 * len(PAGE_RULES)


def test_stylesheet_focus_target_size_and_contrast():
    problems = [str(problem) for problem in css_problems(STYLESHEET.read_text(encoding="utf-8"))]
    assert not problems, "static/css/main.css:\n  " + "\n  ".join(problems)


# --- forms sent with bad input: the summary, and each error tied to its field ---------------------------


def _errors_are_tied(html: str, invalid_ids: set[str]) -> None:
    problems = [str(problem) for problem in page_problems(html) + form_error_problems(html)]
    assert not problems, "\n  ".join(problems)
    root = parse(html)
    marked = {node.attrs.get("id") for node in root.iter() if node.attrs.get("aria-invalid") == "true"}
    assert invalid_ids <= marked, f"not marked invalid: {sorted(invalid_ids - marked)}"
    summary = next(node for node in root.iter() if node.attrs.get("role") == "alert")
    assert {link.attrs["href"] for link in summary.find_all("a")} >= {f"#{i}" for i in invalid_ids}


def test_registration_errors_are_tied_to_their_fields(client):
    response = client.post(
        "/register",
        data={"name": "", "email": "not-an-address", "password": "short", "confirm": "other", "country": ""},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="not-an-address"' in html
    _errors_are_tied(html, {"name", "email", "password", "confirm", "country"})


def test_challenge_settings_errors_are_tied_to_their_fields(client, world):
    login(client, world.organiser)
    response = client.post(
        f"/manage/{world.challenge.slug}/edit",
        data={"title": "", "slug": "Not a slug!", "max_employees": "0", "closes_at": "soon"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Not a slug!"' in html
    _errors_are_tied(html, {"title", "slug", "max_employees", "closes_at"})


def test_entry_form_errors_are_tied_to_their_fields(client, world):
    question = make_question(world.challenge, "How many customers do you have?", required=True)
    login(client, world.entrant_a)
    response = client.post(
        f"/entries/{world.draft_a.id}/edit", data={"action": "submit", "title": "", "video_url": "nope"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="nope"' in html
    # a group of choices is marked invalid on each choice, and the summary links to the first one
    _errors_are_tied(html, {"title", "summary", "video_url", f"q_{question.id}", "stage-0", "sdgs-0"})


def test_score_sheet_errors_are_tied_to_their_criteria(client, world):
    login(client, world.judge)
    innovation = world.criteria[0]
    response = client.post(
        f"/judging/{world.challenge.slug}/entries/{world.assignment_a.id}/score",
        data={"version": "0", "action": "submit", f"mark-{innovation.id}": "9", "feedback": "Kept."},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kept." in html
    _errors_are_tied(html, {f"mark-{innovation.id}-0"})


# --- the checks themselves: each rule is seen on a page that breaks it --------------------------------

GOOD_PAGE = """<!doctype html><html lang="en"><head><title>Entries · Judging</title></head><body>
<a class="skip" href="#main">Skip to content</a><nav aria-label="Main"><a href="/">Challenges</a></nav>
<main id="main" tabindex="-1"><h1>Entries</h1>{body}</main></body></html>"""

BROKEN = {
    "form control without a label": '<input type="text" name="q">',
    "duplicate id": '<p id="x">a</p><p id="x">b</p>',
    "aria-describedby points to a missing id": (
        '<label for="q">Q</label><input id="q" aria-describedby="nope">'
    ),
    "label for a missing id": '<label for="nope">Name</label>',
    "not exactly one <h1>": "<h1>Again</h1>",
    "heading level skipped (h1 → h3)": "<h3>Details</h3>",
    "<img> without alt": '<img src="/logo.png">',
    "link without text": '<a href="/x"><img src="/i.svg" alt=""></a>',
    "button without text": '<button type="submit"><span aria-hidden="true">×</span></button>',
    "link text says nothing out of context": '<a href="/rules">Click here</a>',
    "table without <th> headers": "<table><tr><td>1</td></tr></table>",
    "one of several tables without a caption or aria-label": (
        "<table><caption>A</caption><tr><th>a</th></tr></table><table><tr><th>b</th></tr></table>"
    ),
    "tabindex > 0": '<a href="/x" tabindex="2">X</a>',
    '<svg> without role="img" and a name (or aria-hidden)': '<svg viewBox="0 0 10 10"><rect/></svg>',
    "status shown by colour alone (no text)": '<span class="badge badge-open"></span>',
}


@pytest.mark.parametrize("rule", BROKEN, ids=list(BROKEN))
def test_each_check_sees_what_breaks_it(rule):
    assert page_problems(GOOD_PAGE.format(body="")) == []
    assert rule in {problem.rule for problem in page_problems(GOOD_PAGE.format(body=BROKEN[rule]))}


def test_page_without_landmarks_is_reported():
    rules = {problem.rule for problem in page_problems("<html><body><p>Hello</p></body></html>")}
    assert {
        "no <html lang>",
        "no <title>",
        "not exactly one <main>",
        "no <nav>",
        "not exactly one <h1>",
    } <= rules
    unnamed = GOOD_PAGE.replace(' aria-label="Main"', "").replace('href="#main"', 'href="#top"')
    rules = {problem.rule for problem in page_problems(unnamed.format(body=""))}
    assert "<nav> without a name (aria-label or aria-labelledby)" in rules
    assert "no skip link to <main> among the first links" in rules


def test_untied_error_is_reported():
    body = """<div role="alert"><a href="#title">Title: Enter a title.</a></div><form>
      <label for="title">Title</label><input id="title" aria-invalid="true">
      <p class="error">Enter a title.</p></form>"""
    rules = {problem.rule for problem in form_error_problems(GOOD_PAGE.format(body=body))}
    assert "error message not tied to its field by aria-describedby" in rules
    assert "invalid field without its error in aria-describedby" in rules
    assert "no error summary (role=alert or a focusable summary)" in {
        problem.rule for problem in form_error_problems(GOOD_PAGE.format(body="<form></form>"))
    }


def test_stylesheet_checks_see_what_breaks_them():
    css = """:root { --ink:#777; --bg:#fff; } body { color:var(--ink); background:var(--bg); }
      a { color:#0b5cad; } a:focus { outline:none; } button { min-height:1rem; padding:0; color:#fff;
      background:#0b5cad; } input[type=text], select { padding:.1rem; }"""
    rules = {problem.rule for problem in css_problems(css)}
    assert {
        "no :focus-visible outline",
        "outline removed on focus without a replacement",
        "target smaller than 44px",
        "text contrast < 4.5:1",
    } <= rules
