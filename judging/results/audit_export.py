"""The audit file of one published version: everything needed to recompute its standings and its hash.

Built from the snapshot alone (judges appear as codes), so the file of version N never changes. To check
it: for each round, rebuild the sheets' weighted totals with ``judging.core.scoring.weighted_total`` over
``criteria``, call ``judging.core.ranking.standings`` with ``method`` and ``parameters`` and compare with
``standings``; and ``judging.core.snapshot.digest({"rounds": [inputs...], "decisions": decisions})``
must equal ``inputs_hash``, where a round's inputs are its ``criteria`` (without names), ``entries``,
``expected_sheets`` and ``sheets``.
"""

from __future__ import annotations

import json
from datetime import UTC

from judging.results.models import ResultsSnapshot

FORMAT = "judging-results-audit/1"
INPUT_KEYS = ("criteria", "entries", "expected_sheets", "sheets")


def audit_document(snapshot: ResultsSnapshot) -> dict:
    """The audit file's content as plain JSON-ready data."""
    data = snapshot.data
    rounds = []
    for block in data.get("rounds", []):
        inputs = block["inputs"]
        rounds.append(
            {
                "id": block["id"],
                "name": block["name"],
                "method": block["method"],
                "parameters": block["parameters"],
                "criteria": inputs["criteria"],
                "criterion_names": {str(spec["id"]): spec["name"] for spec in block["criteria"]},
                "entries": inputs["entries"],
                "expected_sheets": inputs["expected_sheets"],
                "sheets": inputs["sheets"],
                "inputs_hash": block["inputs_hash"],
                "standings": block["standings"],
            }
        )
    return {
        "format": FORMAT,
        "challenge": {"slug": data["challenge"]["slug"], "title": data["challenge"]["title"]},
        "version": snapshot.version,
        "published_at": snapshot.published_at.astimezone(UTC).isoformat(),
        "inputs_hash": snapshot.inputs_hash,
        "rounds": rounds,
        "decisions": [
            {"submission": row["submission"], "outcome": row["outcome"]} for row in data.get("decisions", [])
        ],
    }


def audit_json(snapshot: ResultsSnapshot) -> str:
    """The audit file's text: sorted keys and a fixed indent, so the same version gives the same bytes."""
    return json.dumps(audit_document(snapshot), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
