"""Browse the app as a person without JavaScript would: follow links by their text, fill in forms.

A tiny HTML reader on top of Flask's test client, so journey tests use only what the pages offer.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # default values, in page order
    buttons: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (text, name, value)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.forms: list[Form] = []
        self._link: list | None = None
        self._button: list | None = None
        self._textarea: list | None = None
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        form = self.forms[-1] if self.forms else None
        if tag == "a" and "href" in a:
            self._link = [a["href"], ""]
        elif tag == "form":
            self.forms.append(
                Form(a.get("action") or "", (a.get("method") or "get").lower(), a.get("enctype") or "")
            )
        elif form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((a["name"], a.get("value", "on")))
            elif kind == "submit":
                form.buttons.append((a.get("value", ""), a.get("name"), a.get("value")))
            elif kind != "file":
                form.fields.append((a["name"], a.get("value", "")))
        elif tag == "button":
            self._button = [a.get("name"), a.get("value"), ""]
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select, self._select_multiple = a["name"], "multiple" in a
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form.fields.append((self._select, value))
                self._select_chosen = True

    def handle_endtag(self, tag):
        form = self.forms[-1] if self.forms else None
        if tag == "a" and self._link:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag == "button" and self._button and form:
            name, value, text = self._button
            form.buttons.append((" ".join(text.split()), name, value))
            self._button = None
        elif tag == "textarea" and self._textarea and form:
            form.fields.append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select and form:
            if not self._select_chosen and not self._select_multiple and self._select_first is not None:
                form.fields.append((self._select, self._select_first))
            self._select = None

    def handle_data(self, data):
        for part in (self._link, self._button):
            if part is not None:
                part[-1] += data
        if self._textarea is not None:
            self._textarea[1] += data


class Browser:
    """Keeps the current page; ``follow`` and ``submit`` move to the next one as a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.url = "/"
        self.response: TestResponse | None = None

    @property
    def html(self) -> str:
        return self.response.get_data(as_text=True)

    @property
    def text(self) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", self.html).split())

    def _reader(self) -> _Reader:
        reader = _Reader()
        reader.feed(self.html)
        return reader

    def _land(self, response: TestResponse, url: str) -> Browser:
        while response.status_code in (301, 302, 303):
            url = urljoin(url, response.headers["Location"])
            response = self.client.get(url)
        self.url, self.response = url, response
        return self

    def open(self, url: str) -> Browser:
        return self._land(self.client.get(url), url)

    def follow(self, text: str) -> Browser:
        """Click the first link whose text contains ``text``."""
        for href, label in self._reader().links:
            if text in label:
                return self.open(urljoin(self.url, href))
        raise AssertionError(
            f"no link {text!r} on {self.url}: {[label for _, label in self._reader().links]}"
        )

    def link_to(self, text: str) -> str:
        for href, label in self._reader().links:
            if text in label:
                return urljoin(self.url, href)
        raise AssertionError(f"no link {text!r} on {self.url}")

    def submit(self, button: str, fill: dict | None = None, files: dict | None = None) -> Browser:
        """Fill in the form that has a button whose text contains ``button`` and press that button."""
        for form in self._reader().forms:
            for text, name, value in form.buttons:
                if button in text:
                    return self._send(form, name, value, fill or {}, files or {})
        raise AssertionError(f"no button {button!r} on {self.url}")

    def _send(self, form: Form, name, value, fill: dict, files: dict) -> Browser:
        data: dict[str, list] = {}
        for key, default in form.fields:
            data.setdefault(key, []).append(default)
        for key, given in fill.items():
            data[key] = list(given) if isinstance(given, list | tuple) else [given]
        if name:
            data[name] = [value or ""]
        data.update(files)
        action = urljoin(self.url, form.action or self.url)
        if form.method == "get":
            return self.open(action + "?" + "&".join(f"{k}={v}" for k, vs in data.items() for v in vs))
        response = self.client.post(
            action, data=data, content_type=None if not files else "multipart/form-data"
        )
        return self._land(response, action)


def link_href(page: str, text: str) -> str:
    """The target of the link on ``page`` whose whole text is ``text``, as written (unescaped)."""
    found = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>', page)
    assert found, f"no link {text!r}"
    return html.unescape(found.group(1))
