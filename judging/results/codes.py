"""Judge codes: the anonymous names (J01, J02...) exports and audit files give judges.

A judge's code is fixed by their place among the challenge's judges in order of id, so the same judge
has the same code in every export of the challenge.
"""

from __future__ import annotations

from sqlalchemy import select

from judging.assignments.models import Judge
from judging.extensions import db


def judge_codes(challenge_id: int) -> dict[int, str]:
    """Judge id -> code for every judge of the challenge (invited, active or revoked)."""
    ids = list(
        db.session.scalars(select(Judge.id).where(Judge.challenge_id == challenge_id).order_by(Judge.id))
    )
    width = max(2, len(str(len(ids))))
    return {judge_id: f"J{index:0{width}d}" for index, judge_id in enumerate(ids, start=1)}


def judge_names(challenge_id: int) -> dict[int, str]:
    """Judge id -> the judge's name, for exports where the organisers chose names."""
    return dict(
        db.session.execute(select(Judge.id, Judge.name).where(Judge.challenge_id == challenge_id)).all()
    )
