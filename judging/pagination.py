"""Splitting long lists into pages of a few hundred rows, with links that keep the current filters.

A list page reads the page number it was asked for from the query string (``requested_page``), counts
its rows, and builds a ``Page`` with ``paginate``: the number is clamped to the pages that exist, so a
page number past the end (after entries were withdrawn, or typed by hand) shows the last page rather
than an empty list or an error. ``Page.url`` links to another page of the same address with every other
query argument unchanged (filters, sort, other lists' pages), so paging works without JavaScript. The
``pagination`` macro in ``templates/_macros.html`` draws the links.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

PER_PAGE = 200
NEAR = 2  # page links shown on each side of the current page


def requested_page(param: str = "page") -> int:
    """The page number in the query string; 1 when absent or not a positive whole number."""
    value = request.args.get(param, type=int)
    return value if value is not None and value >= 1 else 1


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of ``total`` rows, ``per_page`` rows a page, read from ``param``."""

    number: int
    total: int
    per_page: int = PER_PAGE
    param: str = "page"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def first(self) -> int:
        """The position (from 1) of the first row shown; 0 when there is none."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        """The position of the last row shown."""
        return min(self.offset + self.per_page, self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def rows(self, items: list) -> list:
        """This page's slice of ``items`` (every row, in order)."""
        return items[self.offset : self.offset + self.per_page]

    def numbers(self) -> list[int | None]:
        """The page numbers to link: the first, the last and those near the current one; None for a gap."""
        wanted = {1, self.pages, *range(self.number - NEAR, self.number + NEAR + 1)}
        shown: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= self.pages):
            if shown and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown

    def url(self, number: int) -> str:
        """This address at page ``number``, every other query argument kept as it is."""
        args = {
            key: values
            for key, values in request.args.lists()
            if key != self.param and not key.startswith("_")
        }
        if number > 1:
            args[self.param] = [str(number)]
        return url_for(request.endpoint, **{**args, **(request.view_args or {})})


def paginate(total: int, requested: int, *, per_page: int = PER_PAGE, param: str = "page") -> Page:
    """The page to show of ``total`` rows: ``requested`` clamped to the first and the last page."""
    pages = max(1, -(-total // per_page))
    return Page(number=min(max(requested, 1), pages), total=total, per_page=per_page, param=param)
