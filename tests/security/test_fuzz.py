"""Fuzzing every form: random values posted to every POST route never answer a 500, nor raise.

The routes come from the application's URL map; each is posted to by a role allowed to use it, at the
address the access table (``tests/access/``) builds from the fixture world, so the post reaches the
form's validation and the service behind it rather than a 404. The fields are the form's real names (read
from its page when it has one, plus those the access table posts) and a few random names; the values are
drawn by Hypothesis: any unicode text (NUL, control characters, right-to-left marks), huge strings,
numbers written as text, empty values, several values for one name, and random files for file fields.

Each route gets one world; the examples posted to it share it (a route that deletes its object answers
404 afterwards, which is fine: only a server error fails the test). Examples are derandomised, so a
failure repeats on every run and database.
"""

from __future__ import annotations

import importlib
import pkgutil
from html.parser import HTMLParser
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

import tests.access
from judging.extensions import limiter
from tests.access.rules import Rule, every
from tests.factories import ROLES, login, minimal_pdf

ALLOWED = (200, 201, 302, 303)
EXAMPLES = 15


def _access_rules() -> list[Rule]:
    rules: list[Rule] = []
    for module in pkgutil.iter_modules(tests.access.__path__):
        if module.name != "rules":
            rules.extend(importlib.import_module(f"tests.access.{module.name}").RULES)
    return rules


def _post_rules() -> dict[str, Rule]:
    """For each POST endpoint, the first access rule under which some role gets through."""
    chosen: dict[str, Rule] = {}
    for rule in _access_rules():
        if rule.method == "POST" and rule.endpoint not in chosen and _role(rule) is not None:
            chosen[rule.endpoint] = rule
    return chosen


def _role(rule: Rule) -> str | None:
    """The role the rule lets through (the least privileged first, so checks of ownership run)."""
    return next((role for role in ROLES if rule.expect[role] in ALLOWED), None)


def _reset_link(world) -> str:
    """A valid password reset link of entrant A (the access table posts to a broken one)."""
    from judging.accounts.services import RESET
    from judging.tokens import fingerprint, make_token

    user = world.entrant_a
    token = make_token(RESET, {"uid": user.id, "fp": fingerprint(user.id, user.password_hash)})
    return f"/password/reset/{token}"


# Routes the access table only posts to in a refused state.
VALID_STATE = [Rule("accounts.reset_password", "POST", _reset_link, every(200))]
POST_RULES = {rule.endpoint: rule for rule in VALID_STATE} | _post_rules()

RTL_MARKS = ["\u200f", "\u202e", "\u061c", "\u2067", "\u200e\u202b"]
any_char = st.characters(exclude_categories=("Cs",))
any_text = st.text(any_char, max_size=40)
texts = st.one_of(
    any_text,
    st.builds("".join, st.lists(st.one_of(any_text, st.sampled_from(RTL_MARKS)), max_size=5)),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\x00\x01\x1f\x7f",
            "\r\n",
            "-1",
            "0",
            "1e309",
            "NaN",
            "sNaN",
            "-Infinity",
            "9" * 40,
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.builds(
        lambda part, times: part * times,
        st.text(any_char, min_size=1, max_size=3),
        st.integers(2_000, 40_000),
    ),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
)
values = st.one_of(texts, st.lists(texts, min_size=2, max_size=4))
filenames = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters='"\\'), max_size=30
) | st.sampled_from(["deck.pdf", "deck\u202efdp.exe", "../../etc/passwd", "x.PDF", ""])
contents = st.one_of(
    st.binary(max_size=2048), st.just(minimal_pdf()), st.binary(max_size=64).map(lambda b: b"%PDF-1.7\n" + b)
)
files = st.builds(lambda body, name: (BytesIO(body), name), contents, filenames)
extra_names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


class FieldReader(HTMLParser):
    """Every field name on a page, and which of them are file inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.file_names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select", "textarea", "button") and a.get("name"):
            self.names.add(a["name"])
            if a.get("type") == "file":
                self.file_names.add(a["name"])


def _fields(client, url: str, data: dict) -> tuple[list[str], set[str]]:
    reader = FieldReader()
    page = client.get(url)
    if page.status_code == 200 and page.mimetype == "text/html":
        reader.feed(page.get_data(as_text=True))
    names = sorted((reader.names | set(data)) - {"csrf_token"})
    return names, reader.file_names | {name for name, value in data.items() if isinstance(value, FileStorage)}


@st.composite
def posts(draw, names: list[str], file_names: set[str], base: dict) -> dict:
    """A form: the base values, some fields replaced by random values or left out, random names added."""
    data = {key: value for key, value in base.items() if not isinstance(value, FileStorage)}
    for name in names:
        change = draw(st.sampled_from(["keep", "random", "random", "drop"]))
        if change == "random":
            data[name] = draw(files) if name in file_names else draw(values)
        elif change == "drop":
            data.pop(name, None)
    for name in draw(st.lists(extra_names, max_size=3)):
        data.setdefault(name, draw(values))
    return data


def _multidict(data: dict) -> MultiDict:
    """The form as a browser encodes it: one part per value, files as file parts."""
    form = MultiDict()
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            form.add(name, FileStorage(item[0], filename=item[1]) if isinstance(item, tuple) else item)
    return form


@pytest.fixture
def no_rate_limits():
    limiter.enabled = False
    yield
    limiter.enabled = True


def test_every_post_route_is_fuzzed(_app):
    endpoints = {
        rule.endpoint
        for rule in _app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and rule.endpoint != "static"
    }
    assert sorted(endpoints - set(POST_RULES)) == []


@pytest.mark.parametrize("endpoint", sorted(POST_RULES))
def test_random_form_values_never_cause_a_server_error(client, world, no_rate_limits, endpoint):
    rule = POST_RULES[endpoint]
    role = _role(rule)
    login(client, world.user(role))
    url, base = rule.url(world), rule.data(world)
    names, file_names = _fields(client, url, base)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(data=posts(names, file_names, base))
    def post_random(data):
        login(client, world.user(role))
        boundary, body = encode_multipart(_multidict(data))
        response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
        assert response.status_code < 500, (role, url, response.get_data(as_text=True)[:300])

    post_random()
