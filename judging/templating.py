"""Template filters and globals: times in the reader's zone, sanitised Markdown, country names."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import nh3
import pycountry
from babel.dates import (
    DateTimePattern,
    get_date_format,
    get_datetime_format,
    get_time_format,
    parse_pattern,
)
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, current_app
from flask_babel import format_decimal, format_timedelta, get_locale, get_timezone
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup

from judging import permissions
from judging.database import utcnow
from judging.i18n import language_choices, language_name, text_direction
from judging.labels import SDG_NAMES, label

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre",
    "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, then cleaned by an allow-list (links get rel=noopener and only http(s)/mailto)."""
    if not text:
        return Markup("")
    html = _MARKDOWN.render(text)
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 (sanitised by nh3 just above)


def format_in_zone(value: datetime | None, zone: str | ZoneInfo | None = None, fmt: str = "medium") -> str:
    """A UTC time in ``zone`` (default: the reader's zone), in the reader's locale, with the zone name."""
    if value is None:
        return ""
    tz = ZoneInfo(zone) if isinstance(zone, str) else (zone or get_timezone())
    locale = get_locale()
    if fmt in NAMED_FORMATS:
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz)
        text = _named_pattern(str(locale), fmt).apply(local, locale)
    else:
        text = babel_format_datetime(value, fmt, tzinfo=tz, locale=locale)
    return f"{text} {_zone_label(value, tz)}"


NAMED_FORMATS = ("short", "medium", "long")


@cache
def _named_pattern(locale: str, fmt: str) -> DateTimePattern:
    """The locale's date-and-time pattern for a named format, parsed once.

    Babel formats the date and the time apart and splices them into the locale's joining pattern; the
    same three patterns spliced first give the same text in one pass, at half the cost (long lists show
    a time on every row).
    """
    joined = get_datetime_format(fmt, locale=locale)
    time_part = get_time_format(fmt, locale=locale).pattern
    date_part = get_date_format(fmt, locale=locale).pattern
    return parse_pattern(joined.replace("{0}", time_part).replace("{1}", date_part))


def zone_key(tz) -> str:
    """The IANA name of a zone object (zoneinfo's ``key``, pytz's ``zone``)."""
    return getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)


def reader_zone() -> str:
    """The IANA name of the zone times are shown in for this reader."""
    return zone_key(get_timezone())


def _zone_label(value: datetime, tz) -> str:
    name = value.astimezone(tz).tzname() or zone_key(tz)
    key = zone_key(tz)
    return f"({name})" if name == key else f"({name}, {key})"


def time_until(value: datetime | None) -> str:
    """ "in 3 days" style wording for a future time, "3 days ago" for a past one.

    Between one and sixty days the count is in days ("in 12 days", not "in 2 weeks"): deadlines are
    planned in days. Shorter spans use hours or minutes, longer ones months.
    """
    if value is None:
        return ""
    delta = value - utcnow()
    if timedelta(days=1) <= abs(delta) < timedelta(days=60):
        # A threshold no unit reaches makes Babel stop at the granularity: days.
        return format_timedelta(delta, add_direction=True, granularity="day", threshold=float("inf"))
    return format_timedelta(delta, add_direction=True, granularity="minute", threshold=1.0)


@cache
def _country_codes() -> tuple[str, ...]:
    return tuple(sorted(country.alpha_2 for country in pycountry.countries))


def country_name(code: str | None) -> str:
    """The country's name in the reader's language (Babel's CLDR data), else the English ISO name."""
    if not code:
        return ""
    localised = get_locale().territories.get(code)
    if localised:
        return localised
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for every ISO 3166-1 country, sorted by name in the reader's language."""
    return sorted(
        ((code, country_name(code)) for code in _country_codes()), key=lambda pair: _sort_key(pair[1])
    )


def _sort_key(name: str) -> str:
    """Alphabetical order that ignores accents (Åland next to Albania, Réunion before Romania)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def valid_country(code: str | None) -> bool:
    return code in _country_codes()


def decimal(value: float | Decimal | int | None, places: int = 2, *, signed: bool = False) -> str:
    """A number in the reader's locale with ``places`` decimals: "3.50" in English, "3,50" in French."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    if signed:
        pattern = f"+{pattern};\u2212{pattern}"  # a true minus sign, as wide as the plus
    return format_decimal(value, format=pattern)


def number(value: float | Decimal | int | None) -> str:
    """A number in the reader's locale with the decimals it needs, at most three ("2", "1.5")."""
    return "" if value is None else format_decimal(value)


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["dt"] = format_in_zone
    app.jinja_env.filters["until"] = time_until
    app.jinja_env.filters["country"] = country_name
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["number"] = number
    app.jinja_env.globals["perm"] = permissions
    app.jinja_env.globals["status_label"] = label
    app.jinja_env.globals["country_name"] = country_name
    app.jinja_env.globals["reader_zone"] = reader_zone
    app.jinja_env.globals["sdg_names"] = SDG_NAMES
    app.jinja_env.globals["now"] = utcnow
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["language_choices"] = language_choices
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["get_timezone"] = get_timezone
    app.jinja_env.globals["_"] = _
    app.jinja_env.add_extension("jinja2.ext.i18n")
    from judging.challenges.content_languages import init_jinja

    init_jinja(app.jinja_env)  # ``|tr`` and friends: texts in the reader's language

    @app.context_processor
    def site() -> dict[str, object]:
        return {"site_name": current_app.config["SITE_NAME"], "languages": current_app.config["LANGUAGES"]}
