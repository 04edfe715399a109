"""Pitch deck files: checked by their content, stored under generated names as ``decks/<name>`` in the
application's store (``judging.storage``).

The store writes a file to a temporary name and renames it into place, so a reader never sees half a
file; its Deck row is committed with the use case, and the file is deleted again if the database refuses
the row, so that no file is left without a row.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from io import BytesIO
from typing import BinaryIO

from flask_babel import format_decimal
from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select

from judging.accounts.models import User
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.storage import get_storage
from judging.submissions.models import Deck, Submission

log = logging.getLogger(__name__)

_STORAGE_NAME = re.compile(r"^[0-9a-f]{32}\.pdf$")
_ORIGINAL_NAME_MAX = 255
FOLDER = "decks"


class DeckInvalid(DomainError):
    """The uploaded file cannot be accepted as a pitch deck; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="deck")


@dataclass(frozen=True)
class DeckFile:
    """An uploaded deck that passed every check, held in memory until it is stored."""

    data: bytes
    original_name: str
    pages: int
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def read_deck(stream: BinaryIO, original_name: str | None, max_bytes: int) -> DeckFile:
    """Read an upload and accept it only if it is a readable, unencrypted PDF of at most ``max_bytes``.

    Raises ``DeckInvalid`` with a message for the upload field otherwise.
    """
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DeckInvalid(
            _(
                "This file is larger than the limit of %(limit)s. Please upload a smaller PDF.",
                limit=size_label(max_bytes),
            )
        )
    if not data:
        raise DeckInvalid(_("This file is empty. Please choose your pitch deck again."))
    if not data.startswith(b"%PDF-"):
        raise DeckInvalid(
            _("This file is not a PDF. Please save your pitch deck as a PDF file and upload that.")
        )
    pages = _count_pages(data)
    return DeckFile(data, _shown_name(original_name), pages, hashlib.sha256(data).hexdigest())


def _shown_name(original_name: str | None) -> str:
    """The upload's own name as pages may show it: no folders, and no control or formatting characters
    (a NUL, or a right-to-left override, U+202E, that makes ``report<U+202E>fdp.exe`` read as
    ``reportexe.pdf``)."""
    name = os.path.basename((original_name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf")).strip() or "deck.pdf"
    return name[:_ORIGINAL_NAME_MAX]


def _count_pages(data: bytes) -> int:
    if b"%%EOF" not in data[-2048:]:
        raise DeckInvalid(_broken())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise DeckInvalid(
                    _("This PDF is protected by a password. Please upload a copy without a password.")
                )
            pages = len(reader.pages)
            for page in reader.pages:
                page.mediabox  # noqa: B018 (reading each page finds broken page trees)
    except DeckInvalid:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise DeckInvalid(_broken()) from None
    if pages < 1:
        raise DeckInvalid(_broken())
    return pages


def _broken() -> str:
    return _(
        "This PDF could not be read; it may be damaged or incomplete. Please export it again and upload it."
    )


def deck_key(storage_name: str) -> str:
    """The storage key of a stored deck; refuses any name the application did not generate."""
    if not _STORAGE_NAME.match(storage_name):
        raise ValueError(f"not a generated storage name: {storage_name!r}")
    return f"{FOLDER}/{storage_name}"


def read_stored(storage_name: str) -> bytes:
    """The stored deck's bytes (at most ``MAX_DECK_BYTES``); ``OSError`` when the file is missing."""
    return get_storage().read_bytes(deck_key(storage_name))


def store(data: bytes) -> str:
    """Write ``data`` under a new generated name and return that name. Side effect: creates a file."""
    name = secrets.token_hex(16) + ".pdf"
    get_storage().write(deck_key(name), data)
    return name


def delete(storage_name: str) -> None:
    """Remove a stored file (used when its database row could not be written)."""
    try:
        get_storage().delete(deck_key(storage_name))
    except OSError:
        log.exception("could not delete deck file %s", storage_name)


def size_label(size: int) -> str:
    """A file size for people: "10 MB", "250 KB"."""
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))
    return _("%(size)s KB", size=format_decimal(max(1, round(size / 1024))))


def current_decks(submission: Submission) -> list[Deck]:
    if submission.id is None:
        return []
    return list(
        db.session.scalars(
            select(Deck).where(Deck.submission_id == submission.id, Deck.replaced_at.is_(None))
        )
    )


def commit_with_deck(submission: Submission, new_deck: DeckFile | None, *, actor: User | None) -> Deck | None:
    """Commit the current use case together with ``new_deck`` (when given) as the entry's current deck.

    The file is written first, then the Deck row is inserted and the previous deck marked replaced
    (its file is kept). If the commit fails, the transaction is rolled back and the new file deleted,
    so no file is ever left without its row.
    """
    if new_deck is None:
        db.session.commit()
        return None
    stored_name = None
    try:
        for old in current_decks(submission):
            old.replaced_at = utcnow()
        stored_name = store(new_deck.data)
        row = Deck(
            submission_id=submission.id,
            storage_name=stored_name,
            original_name=new_deck.original_name,
            size=new_deck.size,
            sha256=new_deck.sha256,
            pages=new_deck.pages,
            uploaded_by_id=actor.id if actor is not None else None,
        )
        db.session.add(row)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if stored_name is not None:
            delete(stored_name)
        raise
    return row
