"""The audit file of a published version: anyone holding it can recompute the standings and the hash."""

from __future__ import annotations

import json
from decimal import Decimal

from judging.core.ranking import Mark, Method, RankingInput, standings
from judging.core.scoring import CriterionSpec, weighted_total
from judging.core.snapshot import digest
from judging.extensions import db
from judging.results.publish_services import publish_results
from tests.factories import login
from tests.results.test_publication import change_after_publication, programme


def _download(client, world, version: int = 1):
    return login(client, world.organiser).get(f"/manage/sme-awards/results/audit-{version}.json")


def _recompute(block: dict):
    """The round's standings rebuilt from the audit file alone."""
    criteria = [
        CriterionSpec(
            id=spec["id"],
            scale_min=spec["scale_min"],
            scale_max=spec["scale_max"],
            weight=Decimal(spec["weight"]),
            required=spec["required"],
            independent=spec["independent"],
        )
        for spec in block["criteria"]
    ]
    marks = []
    for sheet in block["sheets"]:
        values = {int(criterion): mark for criterion, mark in sheet["marks"].items()}
        total = weighted_total(criteria, values)
        if total is not None:
            marks.append(Mark(sheet["entry"], int(sheet["judge"][1:]), float(total), values))
    low = weighted_total(criteria, {c.id: c.scale_min for c in criteria})
    high = weighted_total(criteria, {c.id: c.scale_max for c in criteria})
    data = RankingInput(
        marks=tuple(marks),
        categories=dict(block["entries"]),
        scale=(float(low), float(high)),
        expected_sheets=block["expected_sheets"],
    )
    params = block["parameters"]
    return standings(
        data,
        method=Method(block["method"]),
        tie_break=tuple(params["tie_break"]),
        cutoff=params["cutoff"],
        resamples=params["resamples"],
        seed=params["seed"],
        confidence=params["confidence"],
    )


def test_audit_export_recomputes_the_published_standings(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    document = json.loads(_download(client, world).get_data(as_text=True))

    block = document["rounds"][0]
    assert block["parameters"]["resamples"] > 0
    result = _recompute(block)
    rebuilt = {
        s.entry: (s.rank, list(s.interval) if s.interval else None, round(s.score, 6)) for s in result.entries
    }
    published = {row["entry"]: (row["rank"], row["interval"], row["score"]) for row in block["standings"]}
    assert rebuilt == published


def test_audit_export_recomputes_standings_with_fractional_weights(client, world):
    world.criteria[0].weight = Decimal("0.35")
    world.criteria[1].weight = Decimal("0.65")
    db.session.commit()
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    block = json.loads(_download(client, world).get_data(as_text=True))["rounds"][0]

    assert [spec["weight"] for spec in block["criteria"]] == ["0.35", "0.65", "1"]
    rebuilt = {s.entry: (s.rank, round(s.score, 6)) for s in _recompute(block).entries}
    assert rebuilt == {row["entry"]: (row["rank"], row["score"]) for row in block["standings"]}


def test_audit_export_reproduces_the_inputs_hash(client, world):
    programme(world)
    snapshot = publish_results(world.challenge, reason=None, actor=world.organiser)

    document = json.loads(_download(client, world).get_data(as_text=True))

    inputs = [
        {key: block[key] for key in ("criteria", "entries", "expected_sheets", "sheets")}
        for block in document["rounds"]
    ]
    assert digest({"rounds": inputs, "decisions": document["decisions"]}) == document["inputs_hash"]
    assert document["inputs_hash"] == snapshot.inputs_hash
    assert digest(inputs[0]) == document["rounds"][0]["inputs_hash"]


def test_audit_export_names_judges_by_code_only(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    response = _download(client, world)

    text = response.get_data(as_text=True)
    document = json.loads(text)
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="sme-awards-results-v1-audit.json"'
    )
    assert {sheet["judge"] for sheet in document["rounds"][0]["sheets"]} == {"J01", "J02", "J04"}
    assert "Judy Judge" not in text
    assert document["challenge"] == {"slug": "sme-awards", "title": "Digital SME Awards"}
    assert document["version"] == 1
    assert document["published_at"].endswith("+00:00")


def test_audit_export_of_a_version_never_changes(client, world):
    gamma = programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    first = _download(client, world).get_data()

    change_after_publication(world, gamma)
    publish_results(world.challenge, reason="Corrected.", actor=world.organiser)

    assert _download(client, world).get_data() == first
    second = json.loads(_download(client, world, 2).get_data(as_text=True))
    assert second["inputs_hash"] != json.loads(first)["inputs_hash"]


def test_audit_export_of_a_missing_version_is_404(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    assert _download(client, world, 2).status_code == 404
