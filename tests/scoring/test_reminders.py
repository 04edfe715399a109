"""Reminder mails to judges with unfinished work: once per interval, by button and from cron."""

from __future__ import annotations

import threading
import time
from datetime import UTC, timedelta

from babel.dates import format_datetime
from sqlalchemy import select, update

from judging.assignments.models import Round
from judging.database import utcnow
from judging.extensions import db
from judging.scoring import reminders
from judging.scoring.models import Reminder
from tests.factories import links_in, login, mail_body, make_round, make_sheet


def _reminded(outbox) -> list[str]:
    return sorted(message["To"] for message in outbox())


def test_reminder_goes_to_judges_with_unfinished_work_only(world, outbox):
    make_sheet(world.assignment_b, {world.criteria[0]: 4, world.criteria[1]: 3}, submitted=True)

    report = reminders.send_reminders(world.round, actor=world.organiser)

    assert [judge.name for judge in report.sent] == ["Judy Judge"]
    assert _reminded(outbox) == ["judy@jury.example"]
    [row] = db.session.scalars(select(Reminder)).all()
    assert (row.judge_id, row.unfinished, row.sent_by_id) == (
        world.judge_membership.id,
        1,
        world.organiser.id,
    )


def test_reminder_mail_says_how_much_is_left_links_to_the_dashboard_and_gives_the_closing_time(world, outbox):
    world.judge.timezone = "Africa/Nairobi"
    db.session.commit()

    reminders.send_reminders(world.round, actor=world.organiser)

    [message] = [m for m in outbox() if m["To"] == "judy@jury.example"]
    assert message["Subject"] == "1 entry still to score in Digital SME Awards"
    assert links_in(message) == ["https://judging.example.org/judging/"]
    assert "The round closes" in mail_body(message) and "EAT" in mail_body(message)


def test_reminder_mail_is_in_the_judges_language(world, outbox, monkeypatch):
    world.judge.language = "fr"
    db.session.commit()
    written_in = []
    original = reminders.send_template

    def spy(to, template, *, language=None, **context):
        written_in.append((to, language))
        return original(to, template, language=language, **context)

    monkeypatch.setattr(reminders, "send_template", spy)

    reminders.send_reminders(world.round, actor=world.organiser)

    assert sorted(written_in) == [("conrad@jury.example", "en"), ("judy@jury.example", "fr")]
    [message] = [m for m in outbox() if m["To"] == "judy@jury.example"]
    french_date = format_datetime(world.round.closes_at, "medium", tzinfo=UTC, locale="fr")
    assert french_date in mail_body(message)  # dates are written the French way


def test_reminder_is_skipped_within_the_interval_and_sent_again_after_it(world, outbox):
    reminders.send_reminders(world.round, actor=world.organiser)

    again = reminders.send_reminders(world.round, actor=world.organiser)
    assert again.sent == []
    assert sorted(judge.name for judge in again.skipped) == ["Conrad Conflicted", "Judy Judge"]
    assert len(outbox()) == 2

    db.session.execute(update(Reminder).values(sent_at=utcnow() - timedelta(hours=49)))
    db.session.commit()
    later = reminders.send_reminders(world.round, actor=world.organiser)

    assert len(later.sent) == 2
    assert len(outbox()) == 4
    assert db.session.scalar(select(db.func.count(Reminder.id))) == 4


def test_reminders_are_refused_for_a_closed_round(world, outbox):
    world.round.closed_at = utcnow()
    db.session.commit()

    try:
        reminders.send_reminders(world.round, actor=world.organiser)
    except reminders.DomainError as error:
        message = error.message
    else:
        message = None

    assert message == "Reminders go only to judges of an open round."
    assert outbox() == []


def test_reminder_button_says_who_was_reminded_and_who_was_skipped(world, client, outbox):
    login(client, world.organiser)
    url = f"/manage/sme-awards/rounds/{world.round.id}/reminders"
    client.post(url)

    page = client.post(url, follow_redirects=True).get_data(as_text=True)

    assert "reminded less than 48 hours ago: Conrad Conflicted, Judy Judge." in page
    assert len(outbox()) == 2


def test_reminder_button_first_press_names_the_judges_reminded(world, client, outbox):
    login(client, world.organiser)

    page = client.post(
        f"/manage/sme-awards/rounds/{world.round.id}/reminders", follow_redirects=True
    ).get_data(as_text=True)

    assert "Reminded: Conrad Conflicted, Judy Judge." in page


def test_reminders_command_reminds_every_open_round_and_prints_counts(world, app, outbox):
    closed = make_round(world.other_challenge, "Screening", closes_at=utcnow() - timedelta(days=1))
    assert not closed.is_open()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["reminders"])
    second = runner.invoke(args=["reminders"])

    assert first.exit_code == 0
    assert "2 reminder(s) sent, 0 skipped" in first.output
    assert "0 reminder(s) sent, 2 skipped" in second.output
    assert len(outbox()) == 2


def test_two_runs_at_once_remind_each_judge_only_once(world, app, outbox, monkeypatch):
    """Two real sessions race: the round's lock makes the second wait, then see the first one's rows."""
    original = reminders.send_template

    def slow(*args, **kwargs):
        time.sleep(0.3)  # hold the lock long enough for the other run to arrive
        return original(*args, **kwargs)

    monkeypatch.setattr(reminders, "send_template", slow)
    round_id = world.round.id
    db.session.remove()
    start = threading.Barrier(2)
    reports: list[reminders.ReminderReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                round_ = db.session.get(Round, round_id)
                start.wait()
                reports.append(reminders.send_reminders(round_, actor=None))
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted((len(report.sent), len(report.skipped)) for report in reports) == [(0, 2), (2, 0)]
    assert len(outbox()) == 2
    assert db.session.scalar(select(db.func.count(Reminder.id))) == 2
