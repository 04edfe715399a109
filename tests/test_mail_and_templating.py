"""Mail delivery to the outbox, and the template helpers every page relies on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from judging.mail import external_url, send_mail
from judging.templating import country_choices, country_name, format_in_zone, render_markdown
from tests.factories import mail_body


def test_mail_without_smtp_is_written_to_the_outbox(app, outbox):
    send_mail("amina@example.org", "Your entry was received", "Thank you.\n")
    [message] = outbox()
    assert message["To"] == "amina@example.org"
    assert message["Subject"] == "Your entry was received"
    assert mail_body(message) == "Thank you.\n"


def test_mail_refuses_line_breaks_in_headers(app, outbox):
    with pytest.raises(ValueError):
        send_mail("amina@example.org\r\nBcc: victim@example.org", "Hello", "Body")
    assert outbox() == []


def test_links_in_mail_come_from_the_base_url_not_the_request_host(app):
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert external_url("/account/verify/abc") == "https://judging.example.org/account/verify/abc"


def test_markdown_is_rendered_and_script_removed():
    html = str(
        render_markdown("**Bold** <script>alert(1)</script> [x](javascript:alert(1)) [y](https://a.example)")
    )
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html
    assert 'href="javascript:' not in html
    assert 'href="https://a.example"' in html


def test_times_are_shown_in_the_given_zone_with_its_name(app):
    deadline = datetime(2027, 2, 28, 23, 0, tzinfo=UTC)  # midnight in Paris
    with app.test_request_context("/"), force_locale("en"):
        assert format_in_zone(deadline, "Europe/Paris") == "Mar 1, 2027, 12:00:00\u202fAM (CET, Europe/Paris)"
        assert "6:00:00\u202fPM" in format_in_zone(deadline, "America/New_York")


def test_country_names_follow_the_reader_language(app):
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert country_name("DE") == "Allemagne"
        with force_locale("en"):
            assert country_name("DE") == "Germany"
            assert ("KE", "Kenya") in country_choices()
            assert len(country_choices()) == 249


def test_country_list_is_alphabetical_ignoring_accents(app):
    with app.test_request_context("/"), force_locale("en"):
        names = [name for _, name in country_choices()]
    assert names.index("Åland Islands") < names.index("Albania")
    assert names.index("Réunion") < names.index("Romania")
