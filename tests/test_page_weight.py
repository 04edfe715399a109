"""Page weight: each main page, with everything it loads, fits in 60 KB as sent (compressed).

The budget comes from the "Low bandwidth" issue: entrants and judges often work over slow or metered
mobile connections, and 60 KB (61,440 bytes) per page, stylesheet, scripts and images included, keeps
a page usable on a 2G link. The figures count the bytes on the wire with ``Accept-Encoding: gzip``.
"""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from judging.assignments.models import RoundEntry
from judging.extensions import db
from judging.results.publish_services import publish_results
from tests.factories import login, make_judge, make_organisation, make_submission, make_user, score_entries
from tests.results.test_publication import programme

BUDGET = 60 * 1024  # bytes, compressed: the "Low bandwidth" issue
EXTRA_ENTRIES = 24  # on top of the published programme's three: a realistic round
JUDGES_PER_ENTRY = 3


class _Assets(HTMLParser):
    """The stylesheets, scripts and images a page loads from this site."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "link" and "stylesheet" in (found.get("rel") or "").split():
            self._add(found.get("href"))
        elif tag in ("script", "img", "source", "input") and found.get("src"):
            self._add(found.get("src"))
        elif tag == "link" and found.get("rel") in ("icon", "preload"):
            self._add(found.get("href"))

    def _add(self, url: str | None) -> None:
        if url and not url.startswith("data:") and url not in self.urls:
            self.urls.append(url)


def _weight(client, url: str) -> tuple[int, list[str]]:
    """(bytes on the wire for the page and what it loads, one "url: bytes" line each)."""
    page = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200, url
    assert page.headers.get("Content-Encoding") == "gzip", url
    parser = _Assets()
    parser.feed(gzip.decompress(page.data).decode())
    lines, total = [f"{url}: {len(page.data)}"], len(page.data)
    for asset in parser.urls:
        parts = urlsplit(asset)
        assert not parts.netloc, f"{url} loads {asset} from another site"
        response = client.get(asset, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, asset
        total += len(response.data)
        lines.append(f"{asset}: {len(response.data)}")
    return total, lines


def _realistic_round(world) -> None:
    """The published programme, plus more entries, judges and submitted sheets in the same round."""
    innovation, impact, team = world.criteria
    judges = [make_judge(world.challenge, make_user(name=f"Judge {n}")) for n in range(8)]
    marks = {}
    for n in range(EXTRA_ENTRIES):
        entry = make_submission(
            world.challenge,
            make_organisation(f"Organisation {n}", country=("KE", "PE", "FR", "IN", "BR", "EG")[n % 6]),
            title=f"Solar cold storage for smallholder farms, phase {n}",
            summary="Off-grid refrigeration that cuts post-harvest losses for cooperatives. " * 3,
            category=world.challenge.categories[n % len(world.challenge.categories)],
        )
        db.session.add(RoundEntry(round_id=world.round.id, submission_id=entry.id))
        for k in range(JUDGES_PER_ENTRY):
            marks[(judges[(n + k) % len(judges)], entry)] = {
                innovation: 1 + (n + k) % 5,
                impact: 1 + (2 * n + k) % 5,
                team: 1 + (n * k) % 5,
            }
    db.session.commit()
    score_entries(world.round, marks)


@pytest.fixture
def published(world):
    programme(world)
    _realistic_round(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    return world


@pytest.fixture
def open_call(world):
    """The call still open (publishing results closes it), and entrant A's draft filled in."""
    make_submission(world.challenge, world.organisation_a, title="Earlier entry of organisation A")
    world.draft_a.summary = "Off-grid refrigeration that cuts post-harvest losses for cooperatives. " * 4
    db.session.commit()
    return world


PAGES = {
    "public challenge page": (None, lambda w: f"/challenges/{w.challenge.slug}"),
    "entrant dashboard": ("entrant_a", lambda w: "/entries/"),
    "entry form (draft)": ("entrant_a", lambda w: f"/entries/{w.draft_a.id}/edit"),
    "judge dashboard": ("judge", lambda w: "/judging/"),
    "score sheet": ("judge", lambda w: f"/judging/{w.challenge.slug}/entries/{w.assignment_a.id}/score"),
    "standings": ("organiser", lambda w: f"/manage/{w.challenge.slug}/rounds/{w.round.id}/standings"),
    "published results": (None, lambda w: f"/challenges/{w.challenge.slug}/results"),
}


@pytest.mark.parametrize("name", PAGES)
def test_main_page_fits_the_low_bandwidth_budget(client, request, name):
    role, url = PAGES[name]
    world = request.getfixturevalue("open_call" if name == "entry form (draft)" else "published")
    login(client, world.user(role) if role else None)

    total, lines = _weight(client, url(world))

    print(f"\n{name}: {total} bytes compressed ({'; '.join(lines)})")
    assert total <= BUDGET, f"{name}: {total} bytes compressed > {BUDGET} ({'; '.join(lines)})"
