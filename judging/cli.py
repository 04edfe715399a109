"""Command-line tasks: ``flask --app judging create-admin``, ``demo``, ``tick``, ``reminders`` and
``certificates build``."""

from __future__ import annotations

import click
from flask import Flask


def init_cli(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.password_option()
    def create_admin(email: str, name: str, password: str) -> None:
        """Create a platform administrator (or make an existing user one)."""
        from judging.accounts.services import create_administrator
        from judging.errors import DomainError

        try:
            user = create_administrator(email=email, name=name, password=password)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Administrator ready: {user.email}")

    @app.cli.command("demo")
    def demo() -> None:
        """Load the demo programmes and accounts (running it again changes nothing)."""
        from judging.demo import DEMO_PASSWORD, load_demo

        summary = load_demo()
        click.echo(summary.describe())
        click.echo(f"All demo accounts use the password: {DEMO_PASSWORD}")

    @app.cli.command("tick")
    def tick() -> None:
        """Apply the clock: store ``closed`` for open challenges whose deadline has passed, and clear the
        file store's abandoned temporary files (run from cron)."""
        from judging.challenges.services import sync_clock

        closed = sync_clock()
        for challenge in closed:
            click.echo(f"Closed: {challenge.slug}")
        click.echo(f"{len(closed)} challenge(s) closed by the clock.")
        from judging.storage import remove_stale_temporaries

        if removed := remove_stale_temporaries():
            click.echo(f"{removed} abandoned temporary file(s) removed from the file store.")

    @app.cli.command("reminders")
    def reminders() -> None:
        """Remind judges with unfinished work in every open round (run from cron; never twice too soon)."""
        from judging.scoring.reminders import remind_all

        report = remind_all()
        click.echo(f"{len(report.sent)} reminder(s) sent, {len(report.skipped)} skipped (reminded recently).")
        if report.failed:
            click.echo(f"{len(report.failed)} reminder(s) could not be sent (see the log).")

    from judging.certificates.cli import certificates_cli

    app.cli.add_command(certificates_cli)
    from judging.jobs.cli import worker_command

    app.cli.add_command(worker_command)

    from judging.ops.cli import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
