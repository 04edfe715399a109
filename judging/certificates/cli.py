"""``flask --app judging certificates build <slug> [--mail-links]``: the ZIP of a challenge's certificates.

The same services as the organisers' page, run synchronously with a progress bar. Certificates are not
issued here: issue them first (on the certificates page).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from judging.certificates.builds import create_build, run_build, zip_key
from judging.certificates.models import BuildStatus
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.storage import get_storage

certificates_cli = AppGroup("certificates", help="Certificates of a challenge.")


@certificates_cli.command("build")
@click.argument("slug")
@click.option("--mail-links", is_flag=True, help="Also mail each recipient a link to their certificate.")
def build(slug: str, mail_links: bool) -> None:
    """Build the ZIP of every valid certificate of the challenge SLUG and print where it is."""
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None:
        raise click.ClickException(f"No challenge has the slug {slug!r}.")
    try:
        created = create_build(challenge, mail_links=mail_links, actor=None)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    label = f"Building the ZIP of {created.total} certificate(s) of {slug}"
    with click.progressbar(length=created.total, label=label) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.pos)

        finished = run_build(created.id, progress=progress)
    if finished is None or finished.status is not BuildStatus.DONE:
        reason = finished.error if finished is not None else "the build did not run."
        raise click.ClickException(f"The build failed: {reason}")
    key = zip_key(finished)
    where = get_storage().local_path(key) if key else None  # a path when the store is a local folder
    click.echo(f"ZIP written: {where or key}")
    if mail_links:
        click.echo("Each recipient was mailed a link to their certificates (see the log for failures).")
