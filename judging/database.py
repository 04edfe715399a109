"""The declarative base, column helpers and database tuning shared by every model."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_cls: type[enum.Enum]) -> Enum:
    """A string column holding an enum's values (not its names), checked by the database."""
    return Enum(
        enum_cls,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum_cls),
        name=enum_cls.__name__.lower(),
    )


class Base(DeclarativeBase):
    """Base of every model, with the constraint naming convention Alembic needs."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            datetime: UTCDateTime(),
            dict[str, Any]: JSON(),
            list[str]: JSON(),
            list[int]: JSON(),
        },
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, connection_record: object) -> None:
    """Foreign keys on, WAL and a busy timeout for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # pysqlite's own transaction handling stays on: reads run outside any transaction (no snapshot is
    # held) and it emits a deferred BEGIN right before the first write, which then waits for the write
    # lock up to the busy timeout. Write use cases that must check and write atomically ask for
    # BEGIN IMMEDIATE through ``begin_write`` (see ``_sqlite_begin``).
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


IMMEDIATE = "sqlite_begin_immediate"  # execution option: this transaction will write, take the lock now
BUSY_TIMEOUT_MS = 5000
WRITE_BUSY_TIMEOUT_MS = 30000


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    """SQLite: ``BEGIN IMMEDIATE`` when the connection asks for it; otherwise pysqlite's lazy BEGIN.

    An explicit deferred BEGIN would read from a snapshot and ask for the write lock only at its first
    write; if another writer committed meanwhile, SQLite refuses at once ("database is locked") instead
    of waiting. So ordinary transactions are left to pysqlite, which reads outside a transaction and
    begins right before the first write (that write waits for the lock up to the busy timeout). A use
    case whose checks must still hold when it writes starts with BEGIN IMMEDIATE: it takes the write
    lock first, and everything it reads afterwards is current. Pages never wait for a writer (WAL).
    """
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get(IMMEDIATE, False):
        # Writers queue for the lock; each holds it for milliseconds, so wait longer than a reader would.
        connection.exec_driver_sql(f"PRAGMA busy_timeout={WRITE_BUSY_TIMEOUT_MS}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def begin_write(session: Any) -> None:
    """End the session's read transaction (if any) and begin one that will write.

    SQLite: ``BEGIN IMMEDIATE`` (see ``_sqlite_begin``). PostgreSQL: an ordinary transaction; callers lock
    the rows their checks depend on (``SELECT ... FOR UPDATE``/``FOR SHARE``). Side effect: objects loaded
    before are expired and re-read on next access.
    """
    session.rollback()
    session.connection(execution_options={IMMEDIATE: True})


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Alembic: write the UTC timestamp type as a plain aware DateTime, so migrations need no app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type) -> bool | None:
    """Alembic: compare the UTC timestamp type by the DateTime it is stored as."""
    if isinstance(metadata_type, UTCDateTime):
        return not isinstance(inspected_type, DateTime)
    return None
