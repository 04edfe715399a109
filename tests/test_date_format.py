"""Times on pages read as Babel writes them, in every language offered, for every named format."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import force_locale

from judging.config import LANGUAGES
from judging.templating import NAMED_FORMATS, format_in_zone

ZONES = ("UTC", "Europe/Paris", "Africa/Nairobi", "America/Lima", "Asia/Kolkata", "Pacific/Chatham")


def test_dates_read_as_babel_writes_them_in_every_language(app):
    times = [datetime(2026, 1, 1, 23, 30) + timedelta(days=37 * i, minutes=101 * i) for i in range(10)]
    with app.test_request_context():
        for language in LANGUAGES:
            with force_locale(language):
                for fmt in NAMED_FORMATS:
                    for zone in ZONES:
                        for value in times:
                            text = format_in_zone(value, zone, fmt)

                            expected = format_datetime(value, fmt, tzinfo=ZoneInfo(zone), locale=language)
                            assert text.startswith(expected + " ("), (language, fmt, zone, value)
