"""What a results snapshot holds: the standings, decisions and feedback of a challenge as plain JSON,
built from the live tables at publication (see ``publish_services.publish_results``).

Everything public (the results page, the entrant's outcome and feedback report, the audit file,
certificates) is read from ``ResultsSnapshot.data`` and never from live tables, so later changes to marks
or decisions change nothing public until the organisers publish again.

Snapshot ``data`` layout (plain JSON)::

    format: 1
    challenge: {id, slug, title, feedback_to_entrants}
    categories: [{id, name}]                       in the challenge's order
    rounds: [{id, name, position, method, parameters: {tie_break, cutoff, resamples, seed, confidence},
              criteria: [{id, name, weight (decimal string), scale_min, scale_max, required, independent}],
              inputs: {criteria: [...specs without names...], entries: [[entry id, category id]],
                       expected_sheets, sheets: [{judge: "J01", entry, marks: {criterion id: mark}}]},
              inputs_hash,
              standings: [{entry, category, rank, interval, score, scores: {method: score}, mean, median,
                           sd, sheets, flags, criteria: {criterion id: mean mark}}]}]
    decisions: [{submission, outcome, label, renamed, public, rank, category: {id, name},
                 organisation: {id, name, country}, title, summary}]
    feedback: {entry id: [text, ...]}              only when the challenge gives feedback to entrants

``inputs_hash`` = ``digest({"rounds": [round.inputs...], "decisions": [{submission, outcome}...]})``.
"""

from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import select

from judging.assignments.models import Assignment, AssignmentStatus, Round
from judging.challenges.models import Challenge
from judging.core.ranking import Standings, criterion_means, standings
from judging.core.snapshot import decimal_text, digest
from judging.extensions import db
from judging.labels import outcome_label
from judging.results.codes import judge_codes
from judging.results.inputs import RoundData, load_round_data, ranking_input, round_method
from judging.results.models import Decision
from judging.scoring.models import ScoreSheet, SheetStatus

FORMAT = 1
DIGITS = 6  # scores and means are stored rounded to this many decimals


def _num(value: float | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def challenge_rounds(challenge: Challenge) -> list[Round]:
    """The challenge's rounds in position order."""
    return list(
        db.session.scalars(
            select(Round).where(Round.challenge_id == challenge.id).order_by(Round.position, Round.id)
        )
    )


def _parameters(round_: Round) -> dict:
    config = current_app.config
    return {
        "tie_break": list(round_.tie_break or ["median"]),
        "cutoff": round_.shortlist_size,
        "resamples": int(config["RESULTS_RESAMPLES"]),
        "seed": round_.id,
        "confidence": float(config["RESULTS_CONFIDENCE"]),
    }


def round_inputs(data: RoundData, codes: dict[int, str]) -> dict:
    """What a round's standings are computed from, as plain JSON with judges as codes."""
    return {
        "criteria": [
            {
                "id": spec.id,
                "weight": decimal_text(spec.weight),
                "scale_min": spec.scale_min,
                "scale_max": spec.scale_max,
                "required": spec.required,
                "independent": spec.independent,
            }
            for spec in data.criteria
        ],
        "entries": sorted([entry, category] for entry, category in data.categories.items()),
        "expected_sheets": data.expected_sheets,
        "sheets": [
            {
                "judge": codes.get(sheet.judge, f"J?{sheet.judge}"),
                "entry": sheet.entry,
                "marks": {str(cid): value for cid, value in sorted(sheet.marks.items())},
            }
            for sheet in data.sheets
        ],
    }


def _standing_rows(result: Standings, means: dict[int, dict[int, float]]) -> list[dict]:
    return [
        {
            "entry": s.entry,
            "category": s.category,
            "rank": s.rank,
            "interval": list(s.interval) if s.interval else None,
            "score": _num(s.score),
            "scores": {method.value: _num(value) for method, value in s.scores.items()},
            "mean": _num(s.mean),
            "median": _num(s.median),
            "sd": _num(s.sd),
            "sheets": s.sheets,
            "flags": sorted(s.flags),
            "criteria": {str(cid): _num(mean) for cid, mean in sorted(means.get(s.entry, {}).items())},
        }
        for s in result.entries
    ]


def round_block(round_: Round, codes: dict[int, str], *, resamples: int | None = None) -> dict:
    """One round's entry in ``data["rounds"]``: settings, criteria, inputs, their hash and the standings
    under the round's own method. ``resamples`` overrides the configured number (0: ranks and scores
    only, no rank intervals, for quick comparisons)."""
    data = load_round_data(round_)
    params = _parameters(round_)
    method = round_method(round_)
    ranking = ranking_input(data)
    result = standings(
        ranking,
        method=method,
        tie_break=tuple(params["tie_break"]),
        cutoff=params["cutoff"],
        resamples=params["resamples"] if resamples is None else resamples,
        seed=params["seed"],
        confidence=params["confidence"],
    )
    inputs = round_inputs(data, codes)
    return {
        "id": round_.id,
        "name": round_.name,
        "position": round_.position,
        "method": method.value,
        "parameters": params,
        "criteria": [
            {**spec, "name": data.criterion_names.get(spec["id"], "")} for spec in inputs["criteria"]
        ],
        "inputs": inputs,
        "inputs_hash": digest(inputs),
        "standings": _standing_rows(result, criterion_means(ranking.marks)),
    }


def staged_decisions(challenge: Challenge) -> list[Decision]:
    """The challenge's decisions as staged now, by submission id."""
    return list(
        db.session.scalars(
            select(Decision).where(Decision.challenge_id == challenge.id).order_by(Decision.submission_id)
        )
    )


def _latest_ranks(rounds: list[dict]) -> dict[int, int]:
    """Entry id -> its rank in the last round that ranked it."""
    ranks: dict[int, int] = {}
    for block in rounds:
        for row in block["standings"]:
            if row["rank"] is not None:
                ranks[row["entry"]] = row["rank"]
    return ranks


def _decision_rows(challenge: Challenge, decisions: list[Decision], ranks: dict[int, int]) -> list[dict]:
    rows = []
    for decision in decisions:
        submission = decision.submission
        organisation = submission.organisation
        rows.append(
            {
                "submission": submission.id,
                "outcome": decision.outcome.value,
                "label": outcome_label(challenge, decision.outcome),
                "renamed": bool((challenge.outcome_labels or {}).get(decision.outcome.value)),
                "public": decision.outcome.is_public,
                "rank": ranks.get(submission.id),
                "category": {"id": submission.category_id, "name": submission.category.name},
                "organisation": {
                    "id": organisation.id,
                    "name": organisation.name,
                    "country": organisation.country,
                },
                "title": submission.title,
                "summary": submission.summary,
            }
        )
    return rows


def _feedback(challenge: Challenge) -> dict[str, list[str]]:
    """Entry id -> the judges' feedback texts of counted sheets, in a stable order shuffled by entry id."""
    rows = db.session.execute(
        select(Assignment.submission_id, ScoreSheet.feedback)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(Round, Assignment.round_id == Round.id)
        .where(
            Round.challenge_id == challenge.id,
            Assignment.status != AssignmentStatus.RECUSED,
            ScoreSheet.status == SheetStatus.SUBMITTED,
        )
        .order_by(Round.position, ScoreSheet.id)
    )
    texts: dict[int, list[str]] = {}
    for entry, feedback in rows:
        if feedback and feedback.strip():
            texts.setdefault(entry, []).append(feedback.strip())
    for entry, items in texts.items():
        random.Random(entry).shuffle(items)
    return {str(entry): items for entry, items in sorted(texts.items())}


def inputs_hash(rounds: list[dict], decisions: list[dict]) -> str:
    """The digest of every round's inputs and the decisions (submission and outcome only)."""
    return digest(
        {
            "rounds": [block["inputs"] for block in rounds],
            "decisions": [{"submission": row["submission"], "outcome": row["outcome"]} for row in decisions],
        }
    )


def build_snapshot_data(challenge: Challenge) -> dict:
    """The snapshot ``data`` of the challenge's current state (see the module docstring)."""
    codes = judge_codes(challenge.id)
    rounds = [round_block(round_, codes) for round_ in challenge_rounds(challenge)]
    decisions = _decision_rows(challenge, staged_decisions(challenge), _latest_ranks(rounds))
    data = {
        "format": FORMAT,
        "challenge": {
            "id": challenge.id,
            "slug": challenge.slug,
            "title": challenge.title,
            "feedback_to_entrants": challenge.feedback_to_entrants,
        },
        "categories": [{"id": c.id, "name": c.name} for c in challenge.categories],
        "rounds": rounds,
        "decisions": decisions,
    }
    if challenge.feedback_to_entrants:
        data["feedback"] = _feedback(challenge)
    return data
