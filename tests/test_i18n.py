"""Every user-visible string is translatable: templates hold no bare text outside ``_()``."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TRANS_BLOCK = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", re.S)
JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.S)
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
LETTERS = re.compile(r"[^\W\d_]", re.U)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and LETTERS.search(value):
                self.found.append(f'{tag}[{name}]="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and LETTERS.search(data):
            self.found.append(data.strip())


def _bare_text(source: str) -> list[str]:
    collector = _TextCollector()
    collector.feed(JINJA.sub(" ", TRANS_BLOCK.sub(" ", source)))
    return collector.found


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")), ids=str
)
def test_template_has_no_untranslated_text(template):
    assert _bare_text((TEMPLATES / template).read_text()) == []


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.txt")), ids=str
)
def test_mail_template_has_no_untranslated_text(template):
    source = JINJA.sub(" ", TRANS_BLOCK.sub(" ", (TEMPLATES / template).read_text()))
    assert [line.strip() for line in source.splitlines() if LETTERS.search(line)] == []


def test_the_check_finds_bare_text():
    assert _bare_text('<p>Hello {{ _("World") }}</p><img alt="Logo">') == ["Hello", 'img[alt]="Logo"']
    assert _bare_text("<p>{% trans n=1 %}One entry{% endtrans %}</p>") == []
