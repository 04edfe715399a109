"""Shared helpers for the entry tests: a complete entry form, uploads and what is on disk."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import Flask
from werkzeug.datastructures import FileStorage

from judging.submissions.models import Submission
from tests.factories import minimal_pdf

COMPLETE = {
    "title": "Solar mesh for rural clinics",
    "summary": "We keep rural clinics online with a solar-powered mesh network.",
    "problem": "Clinics lose their connection for days, and patient records with it.",
    "solution": "Low-cost solar mesh nodes that relay traffic between clinics.",
    "business_model": "A monthly subscription per clinic, paid by district health offices.",
    "impact": "Forty clinics connected; fewer lost records and faster referrals.",
    "sdgs": ["3", "9"],
    "stage": "prototype",
    "video_url": "https://video.example.org/pitch",
}


def entry_form(action: str = "save", **overrides) -> dict:
    """A complete, valid entry form as a browser would post it, with ``overrides`` applied."""
    data = dict(COMPLETE, action=action)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pdf_upload(content: bytes | None = None, name: str = "pitch deck.pdf") -> tuple[BytesIO, str]:
    """A file field value for the test client."""
    return BytesIO(minimal_pdf() if content is None else content), name


def file_storage(content: bytes | None = None, name: str = "deck.pdf") -> FileStorage:
    """An upload as the services receive it."""
    return FileStorage(BytesIO(minimal_pdf() if content is None else content), filename=name)


def stored_files(app: Flask) -> list[Path]:
    """Every file under UPLOAD_FOLDER (temporary files included)."""
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def edit_url(submission: Submission) -> str:
    return f"/entries/{submission.id}/edit"
