"""``flask --app judging backup <dir>`` and ``flask --app judging restore <backup> [--yes]``.

Thin wrappers over ``judging.ops.backup``: see there for what a backup holds.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from judging.errors import DomainError
from judging.ops.backup import create_backup, restore_backup, verify_backup


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(directory: Path) -> None:
    """Write a backup of the database and instance files into a new folder under DIRECTORY."""
    try:
        made = create_backup(directory)
        manifest = verify_backup(made)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Backup written: {made} ({len(manifest.files)} files, database revision {manifest.alembic_revision})"
    )


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(backup: Path, yes: bool) -> None:
    """Replace the database and instance files with those of the backup folder BACKUP."""
    try:
        manifest = verify_backup(backup)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Backup of {manifest.created_at}: {manifest.database} database at revision "
        f"{manifest.alembic_revision}, {len(manifest.files)} files, every hash checked."
    )
    if not yes:
        click.confirm("Replace the current database and files with this backup?", abort=True)
    try:
        restore_backup(backup)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo("Restored. Restart the application servers so that they reconnect and reread the secret key.")
