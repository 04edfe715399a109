"""Cross-site scripting and template injection: a corpus of probes typed into every text field a user
controls, then looked for on every page that shows that text.

Each row of ``FIELDS`` names who fills which form field and which pages (as whom) show the value. Each
probe is posted through the form as the page shows it; every listed page must then show the probe's
marker (so the check is not vacuous), and never as live markup: no script element, no event handler on a
tag, no ``javascript:`` link, and ``{{7*7}}`` never turned into ``49``. Plain-text fields must come back
word for word once HTML entities are decoded; Markdown fields may be sanitised instead.
"""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest

from tests.access.certificates import publish_and_issue
from tests.accounts.helpers import register
from tests.factories import login, mail_body, make_sheet
from tests.security.test_id_walking import _deck
from tests.security.test_mass_assignment import post, shown_form

PROBES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "{{7*7}} {% raw %}x{% endraw %} ${7*7}",
    '[a](javascript:alert(1)) <a href="javascript:alert(1)">b</a>',
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e ＜script＞alert(1)＜/script＞",
]
LIVE = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<(img|svg)\b[^>]*\bon(error|load)\s*=", re.I),
    re.compile(r"""<[a-z]+\b[^<>]*\b(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I),
]

ENTRANT = ("entrant_a", "/entries/", "/entries/{s}", "/organisation")
ORGANISER = ("organiser", "/manage/sme-awards/entries", "/manage/sme-awards/entries/{s}")
JUDGE = ("judge", "/judging/", "/judging/sme-awards/entries/{a}")
SCORE = ("judge", "/judging/sme-awards/entries/{a}/score")
ENTRY_FORM = ("entrant_a", "/entries/{s}/edit")
HISTORY = ("organiser", "/manage/sme-awards/rounds/{r}/entries/{s}/history")
PUBLIC = ("anonymous", "/", "/challenges/sme-awards")

# (who fills the form, its address, the field, whether it is Markdown, the pages that show the value)
FIELDS = [
    ("entrant_a", "/account", "name", False, [("entrant_a", "/organisation")]),
    ("entrant_a", "/organisation/edit", "name", False, [ENTRANT, ORGANISER]),
    ("entrant_a", "/organisation/edit", "description", False, [("entrant_a", "/organisation")]),
    ("entrant_a", "/entries/{s}/edit", "title", False, [ENTRANT[:3], ORGANISER, JUDGE]),
    ("entrant_a", "/entries/{s}/edit", "summary", False, [ENTRANT[:3:2], ORGANISER[::2], JUDGE[::2]]),
    ("entrant_a", "/entries/{s}/edit", "problem", False, [ENTRANT[:3:2], ORGANISER[::2], JUDGE[::2]]),
    ("entrant_a", "/entries/{s}/edit", "impact", False, [ENTRANT[:3:2], ORGANISER[::2], JUDGE[::2]]),
    ("judge", "/judging/sme-awards/entries/{a}/score", "feedback", False, [HISTORY]),
    ("judge", "/judging/sme-awards/entries/{a}/score", "private_note", False, [HISTORY]),
    ("organiser", "/manage/sme-awards/edit", "title", False,
     [PUBLIC, ENTRANT[:2], JUDGE[:2], ("organiser", "/manage/", "/manage/sme-awards/")]),
    ("organiser", "/manage/sme-awards/edit", "summary", False, [PUBLIC]),
    ("organiser", "/manage/sme-awards/edit", "description", True, [PUBLIC[::2]]),
    ("organiser", "/manage/sme-awards/categories/{c}/edit", "name", False,
     [PUBLIC[::2], ("organiser", "/manage/sme-awards/categories"), ENTRANT[:3:2]]),
    ("organiser", "/manage/sme-awards/categories/{c}/edit", "description", True,
     [PUBLIC[::2], ("organiser", "/manage/sme-awards/categories")]),
    ("organiser", "/manage/sme-awards/rounds/{r}/rubric/{k}/edit", "name", False,
     [("organiser", "/manage/sme-awards/rounds/{r}/rubric"), SCORE]),
    ("organiser", "/manage/sme-awards/rounds/{r}/rubric/{k}/edit", "description", False,
     [SCORE]),
    ("organiser", "/manage/sme-awards/rounds/{r}/edit", "name", False,
     [("organiser", "/manage/sme-awards/rounds"), JUDGE[:2]]),
    ("organiser", "/manage/sme-awards/questions/new", "label", False,
     [ENTRY_FORM, ("organiser", "/manage/sme-awards/questions")]),
    ("organiser", "/manage/sme-awards/questions/new", "help_text", False, [ENTRY_FORM]),
    ("organiser", "/manage/sme-awards/certificates/design", "title_line", False,
     [("organiser", "/manage/sme-awards/certificates/design")]),
    ("organiser", "/manage/sme-awards/certificates/design", "signatory_1_name", False,
     [("organiser", "/manage/sme-awards/certificates/design")]),
]  # fmt: skip


@pytest.fixture
def decked(world):
    """The submitted entry has its deck, so that saving it again is accepted."""
    _deck(world.submission_a, world.entrant_a)
    return world


FILLED = {"/manage/sme-awards/questions/new": {"kind": "long_text", "label": "Tell us more"}}


def ids(world) -> dict[str, int]:
    return {
        "s": world.submission_a.id, "a": world.assignment_a.id, "r": world.round.id,
        "c": world.challenge.categories[0].id, "k": world.criteria[0].id,
    }  # fmt: skip


def live_markup(page: str, marker: str) -> list[str]:
    """What of ``page`` a browser would run or a template engine has evaluated."""
    found = [pattern.pattern for pattern in LIVE if pattern.search(page)]
    return found + ([f"{marker} 49"] if f"{marker} 49" in page else [])


def shown_raw(client, world, pages, value: str, marker: str, markdown: bool) -> list[str]:
    """The problems on ``pages``: value missing, or present as live markup."""
    problems = []
    for role, *urls in pages:
        login(client, world.user(role))
        for url in urls:
            url = url.format(**ids(world))
            page = client.get(url).get_data(as_text=True)
            expected = marker if markdown else value
            if expected not in html.unescape(page):
                problems.append(f"{url} as {role}: value not shown")
            problems += [f"{url} as {role}: {live}" for live in live_markup(page, marker)]
    return problems


@pytest.mark.parametrize(
    ("role", "form_url", "field", "markdown", "pages"),
    FIELDS,
    ids=[f"{row[1].split('/')[-1] or row[1]}:{row[2]}" for row in FIELDS],
)
def test_text_field_is_shown_escaped_everywhere(client, decked, role, form_url, field, markdown, pages):
    world = decked
    url = form_url.format(**ids(world))
    problems = []
    for n, probe in enumerate(PROBES):
        login(client, world.user(role))
        marker = f"zq{n}"
        value = f"{marker} {probe}"
        filled = {**FILLED.get(form_url, {}), field: value, "action": "save"}
        response = post(client, url, shown_form(client, url), {}, **filled)
        assert response.status_code in (302, 303), (probe, errors(response))
        problems += [f"{probe!r}: {p}" for p in shown_raw(client, world, pages, value, marker, markdown)]

    assert problems == []


def test_outcome_labels_are_escaped_on_the_public_results(client, world):
    login(client, world.organiser)
    url = "/manage/sme-awards/decisions/settings"
    value = "zq9 " + PROBES[1] + PROBES[4][:7]
    post(client, url, shown_form(client, url), {}, label_winner=value)
    publish_and_issue(world)

    problems = shown_raw(
        client, world, [("anonymous", "/challenges/sme-awards/results")], value, "zq9", False
    )
    assert problems == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "java\tscript:alert(1)",
    ],
)
def test_links_typed_into_url_fields_never_become_script_links(client, decked, url):
    world = decked
    login(client, world.entrant_a)
    organisation = post(
        client, "/organisation/edit", shown_form(client, "/organisation/edit"), {}, website=url
    )
    edit = f"/entries/{world.submission_a.id}/edit"
    entry = post(client, edit, shown_form(client, edit), {}, video_url=url, action="save")

    pages = [client.get("/organisation"), client.get(f"/entries/{world.submission_a.id}")]
    login(client, world.organiser)
    pages.append(client.get(f"/manage/sme-awards/entries/{world.submission_a.id}"))
    login(client, world.judge)
    pages.append(client.get(f"/judging/sme-awards/entries/{world.assignment_a.id}"))

    assert organisation.status_code == entry.status_code == 200  # refused, on the same page
    assert "javascript:" not in "".join(html.unescape(p.get_data(as_text=True)).lower() for p in pages[:1])
    assert [live_markup(p.get_data(as_text=True), "zq") for p in pages] == [[], [], [], []]


def test_registration_name_is_escaped_in_the_confirmation_mail(client, outbox):
    for n, probe in enumerate(PROBES[:5]):
        register(client.application.test_client(), name=f"zq{n} {probe}", email=f"x{n}@example.org")

    messages = outbox()
    assert len(messages) == 5
    for n, message in enumerate(messages):
        assert f"zq{n} 49" not in mail_body(message)
        markup = message.get_body(preferencelist=("html",))
        if markup is not None and markup.get_content_subtype() == "html":
            assert live_markup(markup.get_content(), f"zq{n}") == []


def errors(response) -> list[str]:
    """The error messages of a page, as text."""
    page = response.get_data(as_text=True)
    found = re.findall(r'class="[^"]*(?:error|alert)[^"]*"[^>]*>(.*?)</', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", m)).split()) for m in found]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1"]
EXPORTS = [
    "/manage/sme-awards/entries.csv",
    "/manage/sme-awards/rounds/{r}/assignments.csv",
    "/manage/sme-awards/rounds/{r}/export/marks.csv?judges=names",
    "/manage/sme-awards/rounds/{r}/export/standings.csv",
    "/manage/sme-awards/rounds/{r}/export/marks.xlsx?judges=names",
    "/manage/sme-awards/rounds/{r}/export/standings.xlsx",
]


def cells(response) -> list[str]:
    """Every text cell of a CSV or XLSX download (formulas kept as their source, starting with =)."""
    if response.mimetype == "text/csv":
        return [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row]
    sheets = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets
    return [c.value for s in sheets for row in s.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize("formula", FORMULAS)
def test_exports_never_hold_a_formula_typed_by_a_user(client, decked, formula):
    world = decked
    login(client, world.entrant_a)
    post(client, "/organisation/edit", shown_form(client, "/organisation/edit"), {}, name=formula)
    edit = f"/entries/{world.submission_a.id}/edit"
    post(client, edit, shown_form(client, edit), {}, title=formula, summary=formula, action="save")
    world.judge.name = world.judge_membership.name = formula
    make_sheet(world.assignment_a, {world.criteria[0]: 4, world.criteria[1]: 3}, submitted=True,
               feedback=formula, private_note=formula)  # fmt: skip

    login(client, world.organiser)
    found = {url: cells(client.get(url.format(**ids(world)))) for url in EXPORTS}

    assert all(formula.strip() in "".join(values) for values in found.values()), found
    assert {url: [v for v in values if v.startswith(FORMULA_START)] for url, values in found.items()} == {
        url: [] for url in EXPORTS
    }


def test_judge_invitation_mail_and_pages_escape_the_names_typed(client, world, outbox):
    login(client, world.organiser)
    form = shown_form(client, "/manage/sme-awards/jury/invite")
    value = "zq2 " + PROBES[1] + " {{7*7}}"
    response = post(client, "/manage/sme-awards/jury/invite", form, {},
                    name=value, affiliation=value, email="mallory@jury.example",
                    expertise=str(world.challenge.categories[0].id))  # fmt: skip

    assert response.status_code in (302, 303), errors(response)
    (message,) = outbox()
    assert "zq2 49" not in mail_body(message)
    markup = message.get_body(preferencelist=("html",))
    if markup is not None and markup.get_content_subtype() == "html":
        assert live_markup(markup.get_content(), "zq2") == []
    assert shown_raw(client, world, [("organiser", "/manage/sme-awards/jury")], value, "zq2", False) == []


def test_screening_and_publication_reasons_are_escaped(client, world, outbox):
    login(client, world.organiser)
    value = "zq3 " + PROBES[3] + " {{7*7}}"
    screen = f"/manage/sme-awards/entries/{world.submission_b.id}/screen"
    response = client.post(screen, data={"decision": "ineligible", "reason": value})
    assert response.status_code in (302, 303), errors(response)
    publish_and_issue(world)
    again = {"reason": value, "confirm": "y", "published_version": "1"}
    response = client.post("/manage/sme-awards/results/publish", data=again)
    assert response.status_code in (302, 303), errors(response)

    pages = [
        ("organiser", f"/manage/sme-awards/entries/{world.submission_b.id}", "/manage/sme-awards/results")
    ]
    assert shown_raw(client, world, pages, value, "zq3", False) == []
    assert [m["To"] for m in outbox() if "zq3 49" in mail_body(m)] == []
